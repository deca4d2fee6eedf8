// journald's export format decoded from bytes: text and binary fields, any chunking, bounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JournalExportDecoder, JournalExportError } from './journal-export.js';

function binaryField(name: string, data: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([Buffer.from(`${name}\n`), length, data, Buffer.from('\n')]);
}

const EXPORT = Buffer.concat([
  Buffer.from('__CURSOR=s=abc;i=1\n__REALTIME_TIMESTAMP=1706700000000000\n_COMM=kubelet\n'),
  Buffer.from('MESSAGE=Error: OCI runtime error: crun: bpf create ``: Invalid argument\n\n'),
  Buffer.from('__CURSOR=s=abc;i=2\n'),
  // journald stores a message with a newline (or other non-text bytes) as a binary field.
  binaryField(
    'MESSAGE',
    Buffer.from('first line\nbpf create `0: (61)`: No space left on device\u0000'),
  ),
  binaryField('_CMDLINE', Buffer.from([0, 1, 2, 0x0a, 0x0a, 0])),
  Buffer.from('\n__CURSOR=s=abc;i=3\n_PID=1\n\n'),
]);

function decode(data: Buffer, chunk: number): Record<string, string>[] {
  const lines: Record<string, string>[] = [];
  const decoder = new JournalExportDecoder((line) => {
    assert.equal(line[line.length - 1], 0x0a);
    lines.push(JSON.parse(line.toString('utf8')) as Record<string, string>);
  });
  for (let at = 0; at < data.length; at += chunk) decoder.push(data.subarray(at, at + chunk));
  decoder.end();
  return lines;
}

test('text and binary fields give one JSON line per entry with a MESSAGE, whatever the chunking', () => {
  const expected = [
    {
      MESSAGE: 'Error: OCI runtime error: crun: bpf create ``: Invalid argument',
      __REALTIME_TIMESTAMP: '1706700000000000',
    },
    { MESSAGE: 'first line\nbpf create `0: (61)`: No space left on device\u0000' },
  ];
  for (const chunk of [1, 2, 3, 7, 64, EXPORT.length])
    assert.deepEqual(decode(EXPORT, chunk), expected);
});

test('a kept field beyond 1 MiB is cut, a skipped one of any claimed size is streamed past', () => {
  const big = Buffer.alloc(3 << 20, 0x61);
  const data = Buffer.concat([
    Buffer.from('__CURSOR=x\n'),
    binaryField('_BLOB', big),
    binaryField('MESSAGE', big),
    Buffer.from('\n'),
  ]);
  const decoder = new JournalExportDecoder((line) => lines.push(line));
  const lines: Buffer[] = [];
  for (let at = 0; at < data.length; at += 65536) decoder.push(data.subarray(at, at + 65536));
  decoder.end();
  const message = (JSON.parse(lines[0]!.toString()) as { MESSAGE: string }).MESSAGE;
  assert.equal(message.length, 1 << 20);
  assert.equal(decoder.cutFields, 1);
});

test('data that is not an export is refused with the entry it stopped at', () => {
  assert.throws(
    () => decode(Buffer.concat([Buffer.from('__CURSOR=x\n\n'), Buffer.from([1, 2, 3])]), 4),
    (error: unknown) => error instanceof JournalExportError && /after entry 1/.test(error.message),
  );
  const noNewline = Buffer.concat([
    Buffer.from('__CURSOR=x\n'),
    binaryField('MESSAGE', Buffer.from('ab')).subarray(0, -1),
    Buffer.from('X'),
  ]);
  assert.throws(() => decode(noNewline, 5), JournalExportError);
});
