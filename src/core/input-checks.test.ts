import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryYaml, kbFromYaml } from '../../test/kb-fixtures.js';
import { factKeysRead, knownComponents, unknownFactKeys } from './input-checks.js';
import { known } from './facts.js';

const kb = kbFromYaml(
  entryYaml(
    'ranged',
    'widget failed',
    `usedBy: [tracer]
conditions:
  - component: widget
    affected: '<2.0.0'
    source: https://example.org/widget
  - kernel: '<5.11.0'
    feature: { fact: bpf.token, equals: unsupported }
    source: https://example.org/token
`,
  ),
  entryYaml(
    'general',
    'gadget failed',
    `layer: general
differential:
  - cause: an old gadget
    when:
      - component: gadget
        affected: '<1.0.0'
        source: https://example.org/gadget
    check: gadget --version
  - cause: not root
    when:
      - fact: process.uid
        notEquals: 0
        source: https://example.org/uid
    check: id -u
`,
  ),
);

test('the fact keys the knowledge base reads: component ranges, features, facts, differentials, usedBy', () => {
  assert.deepEqual([...factKeysRead(kb)].sort(), [
    'bpf.token',
    'components.gadget.version',
    'components.tracer.version',
    'components.widget.version',
    'process.uid',
  ]);
});

test('known components: what the knowledge base reads and what the probe collects, sorted', () => {
  assert.deepEqual(knownComponents(kb, ['components.prober.version', 'kernel.release']), [
    'gadget',
    'prober',
    'tracer',
    'widget',
  ]);
});

test('unknown fact keys: neither collected nor read', () => {
  const facts = {
    'process.uid': known(0, 'id -u'),
    'kernel.release': known('6.1.58', 'uname -r'),
    'kernel.relase': known('6.1.58', 'a typo'),
  };
  assert.deepEqual(unknownFactKeys(facts, kb, new Set(['kernel.release'])), ['kernel.relase']);
});
