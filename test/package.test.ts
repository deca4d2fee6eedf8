// What `npm pack` would publish: what a user of the command and the library needs (the built
// code, its knowledge base and data, the JSON Schemas, the examples the README and --help use,
// README and LICENSE), and nothing else: no evaluation data, sources, tests or source maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli-harness.js';

function packedFiles(): string[] {
  // --ignore-scripts: the tests run after the build; prepare would build again.
  const run = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, run.stderr);
  const [pack] = JSON.parse(run.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((file) => file.path);
}

test('npm pack holds what users need and none of the evaluation data, sources, tests or source maps', () => {
  const files = new Set(packedFiles());
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    exports: Record<string, string>;
    types: string;
  };
  const needed = [
    'package.json',
    'README.md',
    'LICENSE',
    ...Object.values(pkg.bin),
    ...Object.values(pkg.exports).map((path) => path.replace(/^\.\//, '')),
    pkg.types,
    'dist/kb-cache.json',
    ...readdirSync(join(ROOT, 'kb')).map((name) => `kb/${name}`),
    ...readdirSync(join(ROOT, 'data')).map((name) => `data/${name}`),
    ...readdirSync(join(ROOT, 'schema')).map((name) => `schema/${name}`),
    ...readdirSync(join(ROOT, 'examples')).map((name) => `examples/${name}`),
  ];
  for (const file of needed) assert.ok(files.has(file), `${file} is published`);
  for (const file of files) {
    assert.doesNotMatch(file, /^(eval|src|test|bench|scripts|docs|node_modules)\//, file);
    assert.doesNotMatch(file, /\.map$/, `${file}: a source map points at sources not published`);
    assert.doesNotMatch(file, /\.test\.(js|d\.ts)$/, file);
  }
});

test('LICENSE is the Apache License 2.0 that package.json names', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
  assert.equal(pkg.license, 'Apache-2.0');
  const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(license, /^\s*Apache License\n\s*Version 2\.0, January 2004\n/);
  assert.match(license, /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
  assert.match(license, /APPENDIX: How to apply the Apache License to your work\./);
});
