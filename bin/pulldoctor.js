#!/usr/bin/env node
// Launcher for the bundled CLI (`npm run build`, which `npm install` / `npm ci` run through `prepare`;
// scripts/build-cli.mjs says why it is a bundle).
import '../dist/pulldoctor/bin.js';
