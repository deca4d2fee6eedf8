// Turns the physical lines of a log into records: the message a signature should see, with the
// record's timestamp when its format has one. Formats recognised per line, so a file may mix
// them: journald (`journalctl -o json`; `-o export` is decoded before, src/core/journal-export.ts),
// the kernel's /dev/kmsg records, docker's json-file driver, the CRI log
// format of containerd/CRI-O (kubelet's /var/log/pods), JSON-lines logs (Tetragon, Cilium,
// logrus/zap), and plain text with a leading timestamp (ISO 8601, syslog, dmesg). Records split
// across lines by their format (CRI "P" partials, json-file lines without a final newline) are
// joined back, up to a bound. Pure.

export interface LogRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  text: string;
  timestamp?: string;
}

/** A joined record longer than this is cut: no error text needs more. */
export const MAX_RECORD_CHARS = 1 << 20;
/** JSON lines longer than this are not parsed as JSON (matched as plain text instead). */
const MAX_JSON_CHARS = 1 << 20;

const CRI =
  /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (?:stdout|stderr) ([FP])(?: (.*))?$/;
const ISO_PREFIX = /^(\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s/;
const SYSLOG_PREFIX = /^([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\s/;
const DMESG_PREFIX =
  /^\[\s*(\d+\.\d+|[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\]\s?/;
const LOGFMT_TIME = /(?:^|\s)(?:time|ts)="?(\d{4}-\d\d-\d\dT[^"\s]+)"?/;
/** A /dev/kmsg record: priority, sequence, microseconds since boot, flags; then the message. */
const KMSG = /^\d{1,3},\d+,(\d+),[^;]{0,32};/;
const MESSAGE_KEYS = ['MESSAGE', 'msg', 'message', 'log', 'Message', 'M'];
const DETAIL_KEYS = ['error', 'err', 'reason', 'cause', 'stderr'];
const TIME_KEYS = ['time', 'ts', 'timestamp', '@timestamp', 'T'];

interface Partial {
  line: number;
  text: string;
  timestamp?: string;
}

export class RecordReader {
  private lineNumber = 0;
  /** A record being joined (CRI "P" lines, json-file lines without "\n"). */
  private partial: Partial | null = null;
  private partialKind: 'cri' | 'docker' | null = null;

  constructor(private readonly emit: (record: LogRecord) => void) {}

  /** One physical line; lineNumber is its 1-based number (lines the caller skipped are not seen). */
  push(raw: string, lineNumber: number): void {
    this.lineNumber = lineNumber;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const cri = CRI.exec(line);
    if (cri) {
      this.join('cri', cri[3] ?? '', cri[1], cri[2] === 'P');
      return;
    }
    if (line.startsWith('{') && line.endsWith('}') && line.length <= MAX_JSON_CHARS) {
      const parsed = parseJsonObject(line);
      if (parsed) {
        this.fromJson(parsed, line);
        return;
      }
    }
    this.flushPartial();
    const kmsg = KMSG.exec(line);
    if (kmsg) {
      this.emit({
        line: this.lineNumber,
        text: line.slice(kmsg[0].length),
        timestamp: (Number(kmsg[1]) / 1e6).toFixed(6), // seconds since boot, as dmesg prints it
      });
      return;
    }
    this.emit({ line: this.lineNumber, text: line, ...plainTimestamp(line) });
  }

  /** Whether a record is being joined or read: then every line must come here. */
  get busy(): boolean {
    return this.partial !== null;
  }

  finish(): void {
    this.flushPartial();
  }

  private fromJson(object: Record<string, unknown>, line: string): void {
    // docker json-file: {"log":"...\n","stream":"stderr","time":"..."}; a line without the final
    // newline continues in the next record (the driver splits lines at 16 KiB).
    if (typeof object.log === 'string' && typeof object.stream === 'string') {
      const text = object.log;
      const time = typeof object.time === 'string' ? object.time : undefined;
      this.join(
        'docker',
        text.endsWith('\n') ? text.slice(0, -1) : text,
        time,
        !text.endsWith('\n'),
      );
      return;
    }
    this.flushPartial();
    const message = firstString(object, MESSAGE_KEYS) ?? messageBytes(object.MESSAGE);
    if (message === undefined) {
      // A JSON object without a message field (an event): match its text as it is.
      this.emit({ line: this.lineNumber, text: line });
      return;
    }
    // The error may sit one level down ({"msg": ..., "data": {"error": ...}}, as Concourse and
    // some structured loggers nest their fields).
    const nested = Object.values(object).filter(
      (value): value is Record<string, unknown> =>
        value !== null && typeof value === 'object' && !Array.isArray(value),
    );
    const details = [object, ...nested]
      .flatMap((fields) =>
        DETAIL_KEYS.map((key) =>
          typeof fields[key] === 'string' ? ` ${key}="${fields[key] as string}"` : '',
        ),
      )
      .join('');
    this.emit({ line: this.lineNumber, text: `${message}${details}`, ...jsonTimestamp(object) });
  }

  private join(
    kind: 'cri' | 'docker',
    text: string,
    timestamp: string | undefined,
    continues: boolean,
  ): void {
    if (this.partial && this.partialKind === kind) {
      if (this.partial.text.length < MAX_RECORD_CHARS)
        this.partial.text = (this.partial.text + text).slice(0, MAX_RECORD_CHARS);
    } else {
      this.flushPartial();
      this.partial = { line: this.lineNumber, text, ...(timestamp ? { timestamp } : {}) };
      this.partialKind = kind;
    }
    if (!continues) this.flushPartial();
  }

  private flushPartial(): void {
    if (!this.partial) return;
    this.emit(this.partial);
    this.partial = null;
    this.partialKind = null;
  }
}

function parseJsonObject(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function firstString(object: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) if (typeof object[key] === 'string') return object[key] as string;
  return undefined;
}

/** journald prints a MESSAGE that is not valid UTF-8 (or has control bytes) as an array of bytes. */
function messageBytes(value: unknown): string | undefined {
  if (
    !Array.isArray(value) ||
    !value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte < 256)
  )
    return undefined;
  return Buffer.from(value as number[]).toString('utf8');
}

function jsonTimestamp(object: Record<string, unknown>): { timestamp?: string } {
  if (typeof object.__REALTIME_TIMESTAMP === 'string')
    return { timestamp: microsToIso(object.__REALTIME_TIMESTAMP) };
  const time = firstString(object, TIME_KEYS);
  if (time) return { timestamp: time };
  for (const key of TIME_KEYS)
    if (typeof object[key] === 'number') {
      const value = object[key] as number;
      // Seconds (zap's ts) or milliseconds since the epoch.
      const millis = value < 1e11 ? value * 1000 : value;
      const date = new Date(millis);
      if (!Number.isNaN(date.getTime())) return { timestamp: date.toISOString() };
    }
  return {};
}

function microsToIso(micros: string): string | undefined {
  const value = Number(micros);
  if (!Number.isFinite(value)) return undefined;
  const date = new Date(value / 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function plainTimestamp(line: string): { timestamp?: string } {
  const found =
    ISO_PREFIX.exec(line) ??
    SYSLOG_PREFIX.exec(line) ??
    DMESG_PREFIX.exec(line) ??
    LOGFMT_TIME.exec(line);
  return found ? { timestamp: found[1]! } : {};
}
