// Bundles the CLI into dist/cli/ with esbuild: one entry plus lazily loaded chunks, so start-up
// reads a few files instead of resolving hundreds of modules. tsc's dist/ stays the library API.
// Chunks sit beside main.js, so relative paths to kb/, data/ and package.json stay the same.
import { build } from 'esbuild';
import { rmSync, readdirSync } from 'node:fs';

for (const name of readdirSync('dist/cli'))
  if (name.startsWith('chunk-')) rmSync(`dist/cli/${name}`);
await build({
  entryPoints: { main: 'src/cli/main.ts' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/cli',
  chunkNames: 'chunk-[hash]',
  external: ['koffi'],
  // CommonJS dependencies call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __kcompatCreateRequire } from 'node:module'; const require = __kcompatCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander()],
});

/**
 * commander requires node:child_process at load, only to run executable subcommands, which
 * kcompat has none of; loading it pulls in net and dgram too. Give commander a stand-in that
 * loads the module on first use, so `why` and `check` start without it.
 */
function lazyChildProcessForCommander() {
  return {
    name: 'lazy-child-process-for-commander',
    setup(build) {
      build.onResolve({ filter: /^node:child_process$/ }, (args) =>
        args.importer.includes('/node_modules/commander/')
          ? { path: 'lazy-child-process', namespace: 'kcompat-lazy' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'kcompat-lazy' }, () => ({
        contents:
          "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
        loader: 'js',
      }));
    },
  };
}

// The built-in knowledge base, parsed and validated once here instead of at every start-up.
// Its conditions must name facts the probe collects.
const { writeBuiltinCache } = await import('../dist/kb/load.js');
const { hostFactKeys } = await import('../dist/host/fact-keys.js');
writeBuiltinCache(hostFactKeys());
