import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  componentFact,
  FactInputError,
  kernelFacts,
  mergeFacts,
  withoutKernelFacts,
} from './facts.js';

test('a planned kernel replaces every kernel.* fact of the probed one', () => {
  const probed = mergeFacts(kernelFacts('5.10.0-1-amd64', 'probe'), {
    'bpf.token': { value: 'supported', source: 'probe' },
    'process.uid': { value: 0, source: 'probe' },
  });
  assert.ok('value' in probed['kernel.upstreamRange']!);
  const planned = mergeFacts(withoutKernelFacts(probed), kernelFacts('6.1.0-13-amd64', '--kernel'));
  assert.equal(planned['bpf.token'], undefined);
  assert.deepEqual(planned['process.uid'], { value: 0, source: 'probe' });
  assert.ok('unknown' in planned['kernel.upstreamRange']!);
  assert.ok('value' in planned['kernel.upstream']!);
});

test('--with parses NAME@VERSION, none, and refuses the rest', () => {
  assert.deepEqual(componentFact('crun@1.14', '--with'), {
    'components.crun.version': { value: '1.14.0', source: '--with' },
  });
  assert.deepEqual(componentFact('Sysbox@none', '--with'), {
    'components.sysbox.version': { value: null, source: '--with (not installed)' },
  });
  assert.throws(() => componentFact('crun', '--with'), FactInputError);
  assert.throws(() => componentFact('@1.0', '--with'), FactInputError);
  assert.throws(() => componentFact('crun@latest', '--with'), FactInputError);
});
