// The verifier parser against what this machine's real kernel prints: each program below is
// rejected for one reason; the test loads it (root) at log levels 1 and 2, parses the log, and
// checks the error, the failing instruction and the catalogue entry, and that the errno the
// catalogue gives for the message is the one the kernel returned. Every catalogue entry marked
// `reproduced: true` must be reproduced here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync } from 'node:fs';
import { requireRootBpf } from '../../test/require.js';
import { createMap, loadProgram } from '../host/bpf/attrs.js';
import { errnoName } from '../host/bpf/errno-names.js';
import { openBpfSyscall, type BpfSyscall } from '../host/bpf/syscall.js';
import { loadCatalogue } from './catalogue-file.js';
import { explainVerifierLog, messageErrnos } from './explain.js';
import { parseVerifierLog } from './parse.js';

/** One instruction, little-endian (the test machine is x86-64): opcode, dst, src, off, imm. */
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeUInt8(code, 0);
  buffer.writeUInt8((src << 4) | dst, 1);
  buffer.writeInt16LE(off, 2);
  buffer.writeInt32LE(imm, 4);
  return buffer;
}
const exit = () => insn(0x95, 0, 0, 0, 0);
const r0Zero = () => insn(0xb7, 0, 0, 0, 0);
/** A program that only calls helper number `id` (BPF_CALL), then returns 0. */
const callsHelper = (id: number) => () => [insn(0x85, 0, 0, 0, id), r0Zero(), exit()];
const loadMapFd = (dst: number, fd: number) => [insn(0x18, dst, 1, 0, fd), insn(0, 0, 0, 0, 0)];
const SOCKET_FILTER = 1;
const SCHED_CLS = 3;
const KPROBE = 2;
const CGROUP_SKB = 8;

interface Case {
  name: string;
  type: number;
  insns: (maps: { array: number; ringbuf: number }) => Buffer[];
  license?: string;
  levels?: number[];
  /** The catalogue entry the error must map to. */
  entry: string;
  /** Index of the failing instruction, when the verifier walked any. */
  insnIndex?: number;
}

const CASES: Case[] = [
  {
    name: 'exit without setting R0',
    type: SOCKET_FILTER,
    insns: () => [exit()],
    entry: 'uninitialized-register',
    insnIndex: 0,
  },
  {
    name: 'read of an unset register',
    type: SOCKET_FILTER,
    insns: () => [insn(0xbf, 0, 2, 0, 0), exit()],
    entry: 'uninitialized-register',
    insnIndex: 0,
  },
  {
    name: 'context read out of range',
    type: SOCKET_FILTER,
    insns: () => [insn(0x61, 0, 1, 4096, 0), exit()],
    entry: 'invalid-ctx-access',
    insnIndex: 0,
  },
  {
    name: 'dereference of a number',
    type: SOCKET_FILTER,
    insns: () => [insn(0xb7, 1, 0, 0, 0), insn(0x61, 0, 1, 0, 0), exit()],
    entry: 'invalid-mem-access',
    insnIndex: 1,
  },
  {
    name: 'unknown helper',
    type: SOCKET_FILTER,
    insns: callsHelper(9999),
    entry: 'unknown-helper',
    insnIndex: 0,
  },
  {
    name: 'GPL-only helper from a non-GPL program',
    type: KPROBE,
    license: 'MIT',
    insns: callsHelper(6),
    entry: 'gpl-only-helper',
    insnIndex: 0,
  },
  {
    name: 'helper this program type may not call',
    type: KPROBE,
    insns: callsHelper(36),
    entry: 'helper-not-allowed-for-prog-type',
    insnIndex: 0,
  },
  {
    name: 'helper argument of the wrong type',
    type: SOCKET_FILTER,
    insns: callsHelper(1),
    entry: 'wrong-argument-type',
    insnIndex: 0,
  },
  {
    name: 'jump out of the program',
    type: SOCKET_FILTER,
    insns: () => [insn(0x05, 0, 0, 5, 0), r0Zero(), exit()],
    entry: 'jump-out-of-range',
  },
  {
    name: 'program without exit',
    type: SOCKET_FILTER,
    insns: () => [r0Zero()],
    entry: 'last-insn-not-exit',
  },
  {
    name: 'unknown opcode',
    type: SOCKET_FILTER,
    insns: () => [insn(0xff, 0, 0, 0, 0), exit()],
    entry: 'unknown-opcode',
  },
  {
    name: 'unreachable code',
    type: SOCKET_FILTER,
    insns: () => [r0Zero(), exit(), exit()],
    entry: 'unreachable-insn',
  },
  {
    name: 'map fd that is not a map',
    type: SOCKET_FILTER,
    insns: () => [...loadMapFd(1, 999), r0Zero(), exit()],
    entry: 'invalid-map-fd',
  },
  {
    name: 'stack write beyond 512 bytes',
    type: SOCKET_FILTER,
    insns: () => [insn(0x7a, 10, 0, -520, 0), r0Zero(), exit()],
    entry: 'stack-out-of-bounds',
    insnIndex: 0,
  },
  {
    name: 'combined stack of two calls',
    type: SOCKET_FILTER,
    insns: () => [
      insn(0x7a, 10, 0, -400, 0),
      insn(0x85, 0, 1, 0, 2),
      r0Zero(),
      exit(),
      insn(0x7a, 10, 0, -400, 0),
      r0Zero(),
      exit(),
    ],
    entry: 'combined-stack-too-large',
  },
  {
    name: 'return value out of range',
    type: CGROUP_SKB,
    insns: () => [insn(0xb7, 0, 0, 0, 7), exit()],
    entry: 'invalid-return-value',
    insnIndex: 1,
  },
  {
    name: 'packet read without a bounds check',
    type: SCHED_CLS,
    // r2 = skb->data, r3 = skb->data_end, r0 = *(u8 *)r2 with no comparison against r3.
    insns: () => [
      insn(0x61, 2, 1, 76, 0),
      insn(0x61, 3, 1, 80, 0),
      insn(0x71, 0, 2, 0, 0),
      r0Zero(),
      exit(),
    ],
    entry: 'invalid-packet-access',
    insnIndex: 2,
  },
  {
    name: 'map value read past its end',
    type: SOCKET_FILTER,
    insns: ({ array }) => [
      insn(0x62, 10, 0, -4, 0), // *(u32 *)(r10 - 4) = 0: the key
      insn(0xbf, 2, 10, 0, 0),
      insn(0x07, 2, 0, 0, -4),
      ...loadMapFd(1, array),
      insn(0x85, 0, 0, 0, 1), // bpf_map_lookup_elem
      insn(0x15, 0, 0, 1, 0), // if r0 == 0 goto +1
      insn(0x79, 0, 0, 8, 0), // r0 = *(u64 *)(r0 + 8): the value is 4 bytes
      r0Zero(),
      exit(),
    ],
    entry: 'map-value-out-of-bounds',
    insnIndex: 7,
  },
  {
    name: 'ring buffer reservation never submitted',
    type: SOCKET_FILTER,
    insns: ({ ringbuf }) => [
      ...loadMapFd(1, ringbuf),
      insn(0xb7, 2, 0, 0, 8),
      insn(0xb7, 3, 0, 0, 0),
      insn(0x85, 0, 0, 0, 131),
      r0Zero(),
      exit(),
    ],
    entry: 'unreleased-reference',
    insnIndex: 6,
  },
  {
    name: 'too many pending branches',
    type: SOCKET_FILTER,
    levels: [4],
    insns: () => [
      insn(0x61, 2, 1, 0, 0),
      ...Array.from({ length: 8300 }, (_, i) => insn(0x15, 2, 0, 0, i + 1)),
      r0Zero(),
      exit(),
    ],
    entry: 'jump-sequence-too-complex',
  },
  {
    // A 4-instruction counting loop walks 1M instructions in about half a second; log_level 4
    // (statistics only) keeps the log small.
    name: 'the 1M processed-instruction limit',
    type: SOCKET_FILTER,
    levels: [4],
    insns: () => [r0Zero(), insn(0x07, 0, 0, 0, 1), insn(0xa5, 0, 0, -2, 0x7fffffff), exit()],
    entry: 'complexity-limit',
  },
];

function withMaps(sys: BpfSyscall, body: (maps: { array: number; ringbuf: number }) => void): void {
  const array = createMap(sys, { type: 2, keySize: 4, valueSize: 4, maxEntries: 1 });
  const ringbuf = createMap(sys, { type: 27, keySize: 0, valueSize: 0, maxEntries: 4096 });
  try {
    assert.ok(array.fd >= 0 && ringbuf.fd >= 0, 'the test maps could be created');
    body({ array: array.fd, ringbuf: ringbuf.fd });
  } finally {
    if (array.fd >= 0) closeSync(array.fd);
    if (ringbuf.fd >= 0) closeSync(ringbuf.fd);
  }
}

const catalogue = loadCatalogue();

test('every rejection this kernel prints is parsed and explained, with an errno the catalogue allows', (t) => {
  if (!requireRootBpf(t)) return;
  const sys = openBpfSyscall() as BpfSyscall;
  withMaps(sys, (maps) => {
    for (const testCase of CASES) {
      for (const level of testCase.levels ?? [1, 2]) {
        const label = `${testCase.name} (log_level ${level})`;
        const result = loadProgram(sys, {
          type: testCase.type,
          insns: testCase.insns(maps),
          license: testCase.license,
          log: { level, size: 1 << 20 },
        });
        if (result.fd >= 0) closeSync(result.fd);
        assert.ok(result.fd < 0, `${label}: the kernel accepted it`);
        const report = explainVerifierLog(parseVerifierLog(result.log), catalogue);
        assert.equal(
          report.explanation?.id,
          testCase.entry,
          `${label}: ${report.error}\n${result.log}`,
        );
        // The errno: one the kernel source returns with this message in some version
        // (data/verifier-messages.yaml records which), not what one kernel printed.
        const entry = catalogue.find((candidate) => candidate.id === testCase.entry)!;
        assert.ok(
          messageErrnos(entry).includes(errnoName(result.errno)),
          `${label}: the kernel returned ${errnoName(result.errno)}, the catalogue allows ${messageErrnos(entry).join(', ')}`,
        );
        assert.ok(result.log.includes(report.error!), label);
        if (testCase.insnIndex !== undefined)
          assert.equal(report.insn?.index, testCase.insnIndex, label);
        assert.notEqual(report.processedInsns, null, `${label}: the summary line`);
        assert.deepEqual(report.truncated, [], label);
      }
    }
  });
});

test('the limits hit are named, with the statistics', (t) => {
  if (!requireRootBpf(t)) return;
  const sys = openBpfSyscall() as BpfSyscall;
  withMaps(sys, (maps) => {
    const run = (name: string) => {
      const testCase = CASES.find((candidate) => candidate.name === name)!;
      const result = loadProgram(sys, {
        type: testCase.type,
        insns: testCase.insns(maps),
        log: { level: testCase.levels?.[0] ?? 1, size: 1 << 20 },
      });
      return explainVerifierLog(parseVerifierLog(result.log), catalogue);
    };
    const complexity = run('the 1M processed-instruction limit');
    assert.equal(complexity.limit, 'processed-insns');
    assert.equal(complexity.processedInsns, 1_000_001);
    assert.equal(complexity.stats.insnLimit, 1_000_000);
    assert.ok(complexity.stats.verificationTimeUsec! > 0);
    assert.deepEqual(complexity.stats.stackDepth, [0]);
    assert.equal(run('too many pending branches').limit, 'jump-sequence');
    assert.equal(run('combined stack of two calls').limit, 'combined-stack');
    assert.equal(run('stack write beyond 512 bytes').limit, 'stack-size');
  });
});

test('every catalogue entry marked reproduced is reproduced by a case here', () => {
  const covered = new Set(CASES.map((testCase) => testCase.entry));
  const claimed = catalogue.filter((entry) => entry.reproduced).map((entry) => entry.id);
  assert.deepEqual(
    claimed.filter((id) => !covered.has(id)),
    [],
  );
  assert.deepEqual(
    [...covered].filter((id) => !claimed.includes(id)),
    [],
    'cases whose entry does not say reproduced',
  );
});

test('a too-small log buffer: the kernel answers ENOSPC, and the log it kept is a truncated one', (t) => {
  if (!requireRootBpf(t)) return;
  const sys = openBpfSyscall() as BpfSyscall;
  // A valid program that prints a few hundred bytes at log_level 2, with a 128-byte buffer.
  const result = loadProgram(sys, {
    type: SOCKET_FILTER,
    insns: [insn(0xb7, 1, 0, 0, 0), insn(0xb7, 2, 0, 0, 0), r0Zero(), exit()],
    log: { level: 2, size: 128 },
  });
  if (result.fd >= 0) closeSync(result.fd);
  assert.equal(errnoName(result.errno), 'ENOSPC');
  const parsed = parseVerifierLog(result.log);
  if (result.logTrueSize > 0) {
    // 6.4+: the log rotates and keeps its tail, with the summary; the start is missing.
    assert.equal(parsed.stats.processedInsns, 4);
    assert.deepEqual(parsed.truncated, ['head-missing'], result.log);
  } else {
    // Older kernels keep the head: the summary and any error are cut off.
    assert.equal(parsed.stats.processedInsns, null);
    assert.deepEqual(parsed.truncated, ['tail-missing'], result.log);
  }
});
