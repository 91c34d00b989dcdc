#!/usr/bin/env node
// Launcher for the compiled CLI (`npm run build`, which `npm install` / `npm ci` run through `prepare`).
import '../dist/cli/bin.js';
