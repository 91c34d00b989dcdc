#!/usr/bin/env node
// Launcher for the CLI: the esbuild bundle that `npm run build` makes (scripts/build-cli.ts says why a bundle; `npm
// install` / `npm ci` build through `prepare`), or tsc's output alone when only that was built.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/pulldoctor/bin.js', import.meta.url);
await import(existsSync(bundle) ? bundle.href : new URL('../dist/cli/bin.js', import.meta.url).href);
