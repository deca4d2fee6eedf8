// The JSON each command prints validates against the schema in schema/, and the committed
// schemas are what the types render today.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  OUTPUT_SCHEMAS,
  outputSchemaPath,
  renderOutputSchemas,
} from '../scripts/generate-schema.js';
import { assertMatchesSchema } from './output-schemas.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli', 'main.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'kcompat-schema-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

function kcompatJson(args: string[]): unknown {
  const run = spawnSync(process.execPath, [BIN, ...args, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, KCOMPAT_KB: '' },
    timeout: 60_000,
  });
  assert.ok(run.status === 0 || run.status === 1, `${args.join(' ')}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

test('the committed output schemas are what the types render (npm run schema)', async () => {
  const rendered = await renderOutputSchemas();
  for (const output of OUTPUT_SCHEMAS)
    assert.equal(
      readFileSync(outputSchemaPath(output.name), 'utf8'),
      rendered.get(output.name),
      `schema/${output.name}.schema.json is stale: run npm run schema`,
    );
});

test('why and check reports validate, with and without facts from this host', () => {
  const logs = readdirSync(FIXTURES).filter((name) => name.endsWith('.txt'));
  assert.ok(logs.length >= 5);
  for (const log of logs) {
    const report = kcompatJson(['why', '--no-probe', join(FIXTURES, log)]) as {
      findings: unknown[];
    };
    assert.ok(report.findings.length > 0, `${log} gives findings`);
    assertMatchesSchema('report', report);
  }
  assertMatchesSchema('report', kcompatJson(['why', join(FIXTURES, logs[0]!)]));
  const facts = kcompatJson(['probe']);
  assertMatchesSchema('facts', facts);
  const factsFile = join(scratch, 'facts.json');
  writeFileSync(factsFile, JSON.stringify(facts));
  assertMatchesSchema('report', kcompatJson(['check', '--facts', factsFile]));
  assertMatchesSchema(
    'report',
    kcompatJson(['check', '--no-probe', '--kernel', '5.10.0-26-amd64', '--with', 'crun@1.14.0']),
  );
});

test('reports the filters left findings out of validate, with their filtered field', () => {
  const log = join(ROOT, 'examples', 'crun-bpf-enospc.txt');
  const why = kcompatJson([
    'why',
    '--no-probe',
    '--ignore',
    'cgroup-device-bpf',
    '--min-severity',
    'critical',
    log,
  ]) as { filtered?: unknown };
  assert.ok(why.filtered);
  assertMatchesSchema('report', why);
  const verifier = kcompatJson([
    'verifier',
    '--ignore',
    'complexity-limit',
    join(ROOT, 'examples', 'verifier-too-large.log'),
  ]) as { filtered?: unknown };
  assert.ok(verifier.filtered);
  assertMatchesSchema('verifier-report', verifier);
});

test('verifier reports validate, for every public log in the fixtures', () => {
  const logs = parse(
    readFileSync(join(ROOT, 'src', 'verifier', 'fixtures', 'public-logs.yaml'), 'utf8'),
  ) as { text: string }[];
  assert.ok(logs.length >= 3);
  for (const [index, log] of logs.entries()) {
    const file = join(scratch, `log-${index}.txt`);
    writeFileSync(file, log.text);
    assertMatchesSchema('verifier-report', kcompatJson(['verifier', file]));
  }
});
