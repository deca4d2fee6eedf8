import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { diagnose } from './core/diagnose.js';
import { loadKnowledgeBase } from './kb/load.js';
import { explainVerifierLog, scanFiles } from './library.js';

const kb = loadKnowledgeBase();
const scratch = mkdtempSync(join(tmpdir(), 'kcompat-library-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
const ERROR = 'libbpf: failed to find valid kernel BTF\n';

test('scanFiles reads compressed files as diagnose reads the same text', async () => {
  const file = join(scratch, 'btf.log.gz');
  writeFileSync(file, gzipSync(`kubelet started\n${ERROR}`));
  const report = await scanFiles([file], {}, kb);
  const inMemory = diagnose([{ name: file, text: `kubelet started\n${ERROR}` }], {}, kb);
  assert.ok(report.findings.length > 0);
  assert.deepEqual(
    report.findings.map((finding) => [finding.id, finding.verdict]),
    inMemory.findings.map((finding) => [finding.id, finding.verdict]),
  );
});

test('scanFiles: an unreadable input among several is reported in the Report; none readable rejects', async () => {
  const good = join(scratch, 'good.log');
  writeFileSync(good, ERROR);
  const missing = join(scratch, 'missing.log');
  const report = await scanFiles([good, missing, join(scratch, 'none-*.log')], {}, kb);
  assert.ok(report.findings.length > 0);
  const errors = report.inputs.filter((input) => input.error).map((input) => input.name);
  assert.deepEqual(errors.sort(), [join(scratch, 'none-*.log'), missing].sort());
  await assert.rejects(scanFiles([missing], {}, kb), /missing\.log: cannot read \(ENOENT\)/);
});

test('explainVerifierLog explains a log given as text, and says undefined for other text', () => {
  const report = explainVerifierLog(
    'BPF program is too large. Processed 1000001 insn\nprocessed 1000001 insns (limit 1000000) max_states_per_insn 41 total_states 63508 peak_states 811 mark_read 17\n',
  );
  assert.equal(report?.outcome, 'rejected');
  assert.equal(report?.limit, 'processed-insns');
  assert.equal(explainVerifierLog('kubelet started\n'), undefined);
});
