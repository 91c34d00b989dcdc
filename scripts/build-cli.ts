// The `pulldoctor` CLI as esbuild bundles (part of `npm run build`): bin/pulldoctor.js runs dist/pulldoctor/bin.js.
//
// Why a bundle: unbundled, @kubernetes/client-node alone resolves about 1,900 modules and takes over a second (and
// 110 MB) to load, so `diagnose` could not send its first request within 300 ms nor stay under 100 MB. Lazy loading
// (src/cli/main.ts imports each command when it runs) keeps `--help` and `classify` light either way; the bundle,
// split at those dynamic imports (one chunk per command, shared code in common chunks), makes `diagnose` load fast.
// `npm run bench` (scripts/bench/cli-bench.ts) measures both ways.
import { build, type BuildOptions } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The esbuild options of the CLI bundle; the bench bundles its sandbox entry with the same ones. */
export function cliBundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions {
  return {
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Native addons stay in node_modules (the state store's SQLite; only `audit` loads it).
    external: ['better-sqlite3'],
    // CommonJS dependencies inside an ES module bundle still call require() for Node's built-in modules.
    banner: {
      js: "import { createRequire as __pulldoctorCreateRequire } from 'node:module';\nconst require = __pulldoctorCreateRequire(import.meta.url);",
    },
    chunkNames: 'chunks/[name]-[hash]',
    legalComments: 'linked',
    logLevel: 'warning',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = join(root, 'dist', 'pulldoctor');
  rmSync(outdir, { recursive: true, force: true }); // chunk names carry hashes: no stale chunk stays behind
  await build(cliBundleOptions({ bin: join(root, 'src', 'cli', 'bin.ts') }, outdir));
}
