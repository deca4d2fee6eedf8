// Log formats into records: each format as its tool writes it, with timestamps, and records
// split across lines joined back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordReader, type LogRecord } from './log-records.js';

function read(lines: string[]): LogRecord[] {
  const records: LogRecord[] = [];
  const reader = new RecordReader((record) => records.push(record));
  lines.forEach((line, index) => reader.push(line, index + 1));
  reader.finish();
  return records;
}

test('journalctl -o json: MESSAGE as text or as bytes, __REALTIME_TIMESTAMP as the time', () => {
  const [text, bytes] = read([
    JSON.stringify({
      __REALTIME_TIMESTAMP: '1706700000000000',
      _COMM: 'containerd',
      MESSAGE: 'level=error msg="failed"',
    }),
    JSON.stringify({
      __REALTIME_TIMESTAMP: '1706700001000000',
      MESSAGE: [
        ...Buffer.from('bpf create `0: (61) r2 = *(u32 *)(r1 +0)\n`: No space left on device'),
      ],
    }),
  ]);
  assert.equal(text!.text, 'level=error msg="failed"');
  assert.equal(text!.timestamp, '2024-01-31T11:20:00.000Z');
  assert.match(bytes!.text, /^bpf create `0: \(61\)[^]*No space left on device$/);
  assert.equal(bytes!.line, 2);
});

test('/dev/kmsg records: the prefix is not the message, the time is seconds since boot', () => {
  const records = read(['6,1204,5140900,-;crun[123]: bpf create ``: Invalid argument']);
  assert.deepEqual(
    records.map((record) => [record.text, record.timestamp]),
    [['crun[123]: bpf create ``: Invalid argument', '5.140900']],
  );
});

test('a plain log line that looks like a journald export field is a plain line', () => {
  const records = read(['hello', '__CURSOR=s=abc', 'MESSAGE=not a field', 'bye']);
  assert.deepEqual(
    records.map((record) => record.text),
    ['hello', '__CURSOR=s=abc', 'MESSAGE=not a field', 'bye'],
  );
});

test("docker's json-file driver: lines split at 16 KiB are joined, the time kept", () => {
  const records = read([
    '{"log":"first half of a long line ","stream":"stderr","time":"2024-02-01T10:00:00.1Z"}',
    '{"log":"and its end\\n","stream":"stderr","time":"2024-02-01T10:00:00.2Z"}',
    '{"log":"next\\n","stream":"stdout","time":"2024-02-01T10:00:01Z"}',
  ]);
  assert.deepEqual(
    records.map((record) => [record.line, record.text, record.timestamp]),
    [
      [1, 'first half of a long line and its end', '2024-02-01T10:00:00.1Z'],
      [3, 'next', '2024-02-01T10:00:01Z'],
    ],
  );
});

test('CRI log format (kubelet /var/log/pods): P partials joined up to the F line', () => {
  const records = read([
    '2024-03-01T12:00:00.123456789Z stderr P Error: failed to create containerd task: ',
    '2024-03-01T12:00:00.123456789Z stderr F OCI runtime create failed',
    '2024-03-01T12:00:01.000000000Z stdout F ok',
  ]);
  assert.deepEqual(
    records.map((record) => [record.text, record.timestamp]),
    [
      [
        'Error: failed to create containerd task: OCI runtime create failed',
        '2024-03-01T12:00:00.123456789Z',
      ],
      ['ok', '2024-03-01T12:00:01.000000000Z'],
    ],
  );
});

test('JSON-lines logs (Tetragon, Cilium, zap): the message with its error field; the time', () => {
  const [cilium, zap] = read([
    '{"level":"error","msg":"Failed to load program","error":"load program: invalid argument","time":"2024-04-01T00:00:00Z"}',
    '{"level":"error","ts":1711929600.5,"msg":"x"}',
  ]);
  assert.equal(cilium!.text, 'Failed to load program error="load program: invalid argument"');
  assert.equal(cilium!.timestamp, '2024-04-01T00:00:00Z');
  assert.equal(zap!.timestamp, '2024-04-01T00:00:00.500Z');
});

test('plain lines keep their text; a leading ISO, syslog or dmesg time, or logfmt time=, is the timestamp', () => {
  const records = read([
    '2024-05-01T08:00:00.5+02:00 node kubelet[1]: failed',
    'Dec  2 02:41:36 node containerd[42]: time="2024-12-02T02:41:36Z" level=error msg="x"',
    '[  12.345678] Lockdown: bpftrace: use of bpf to read kernel RAM is restricted; see man kernel_lockdown.7',
    'time="2024-06-01T00:00:00Z" level=warning msg="y"',
    'no time here',
    '{not json',
  ]);
  assert.deepEqual(
    records.map((record) => record.timestamp),
    [
      '2024-05-01T08:00:00.5+02:00',
      'Dec  2 02:41:36',
      '12.345678',
      '2024-06-01T00:00:00Z',
      undefined,
      undefined,
    ],
  );
  assert.equal(records[2]!.text.startsWith('[  12.345678] Lockdown'), true);
  assert.equal(records[5]!.text, '{not json');
});

test('a JSON record whose error sits one level down still gives it to the signatures', () => {
  const records = read([
    '{"timestamp":"2024-05-01T10:00:00Z","level":"error","msg":"task failed","data":{"error":"runc run failed: errno 524"}}',
  ]);
  assert.equal(records[0]!.text, 'task failed error="runc run failed: errno 524"');
});
