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
});

// The built-in knowledge base, parsed and validated once here instead of at every start-up.
// Its conditions must name facts the probe collects.
const { writeBuiltinCache } = await import('../dist/kb/load.js');
const { hostFactKeys } = await import('../dist/host/fact-keys.js');
writeBuiltinCache(hostFactKeys());
