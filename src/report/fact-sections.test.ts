import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Facts } from '../core/facts.js';
import { factSections, groupFacts, selectFacts } from './fact-sections.js';
import { formatFactsText } from './text.js';

const facts: Facts = {
  'tracefs.mounts': { value: [], source: 'mountinfo' },
  'bpf.helper.loop': { value: 'supported', source: 'probe' },
  'bpf.token': { value: 'inconclusive', source: 'probe' },
  'kernel.config.CONFIG_BPF': { value: 'y', source: 'config' },
  'kernel.release': { value: '6.1.0', source: 'uname' },
  'components.crun.version': { value: '1.14.0', source: 'crun --version' },
  'process.uid': { value: 0, source: 'status' },
  'debugfs.mounts': { unknown: 'not mounted' },
};

test('sections: the kernel and the runtimes first, then the usual ones, then the rest by name', () => {
  assert.deepEqual(factSections(facts), [
    'kernel',
    'components',
    'bpf',
    'process',
    'debugfs',
    'tracefs',
  ]);
  // A section's own facts before its nested groups.
  assert.deepEqual(groupFacts(facts)[0]!.keys, ['kernel.release', 'kernel.config.CONFIG_BPF']);
  assert.deepEqual(groupFacts(facts)[2]!.keys, ['bpf.token', 'bpf.helper.loop']);
});

test('text: one heading per section, its facts under it, in that order', () => {
  const lines = formatFactsText(facts).trimEnd().split('\n');
  const headings = lines.filter((line) => /^\S/.test(line));
  assert.deepEqual(
    headings.map((line) => line.split(' ')[0]),
    factSections(facts),
  );
  let section = '';
  for (const line of lines) {
    if (/^\S/.test(line)) section = line.split(' ')[0]!;
    else if (line !== '') assert.ok(line.trimStart().startsWith(`${section}.`), line);
  }
  assert.match(formatFactsText(facts), /^ {2}debugfs\.mounts {2}unknown: not mounted$/m);
});

test('select by section, exact key or prefix; an unknown one is a problem, not an empty answer', () => {
  const keys = (selected: ReturnType<typeof selectFacts>) =>
    'facts' in selected ? Object.keys(selected.facts).sort() : selected.problem;
  assert.deepEqual(keys(selectFacts(facts, {})), Object.keys(facts).sort());
  assert.deepEqual(keys(selectFacts(facts, { sections: ['bpf'] })), [
    'bpf.helper.loop',
    'bpf.token',
  ]);
  assert.deepEqual(keys(selectFacts(facts, { sections: ['process'], keys: ['kernel.release'] })), [
    'kernel.release',
    'process.uid',
  ]);
  for (const prefix of ['kernel.config', 'kernel.config.', 'kernel.config.*'])
    assert.deepEqual(keys(selectFacts(facts, { keys: [prefix] })), ['kernel.config.CONFIG_BPF']);
  // A prefix ends at a dot: "kernel.rel" is no key.
  assert.match(
    String(keys(selectFacts(facts, { keys: ['kernel.rel'] }))),
    /^unknown fact "kernel\.rel"/,
  );
  assert.match(
    String(keys(selectFacts(facts, { sections: ['bfp'] }))),
    /^--section bfp: no such section; the sections are kernel, components, bpf/,
  );
});
