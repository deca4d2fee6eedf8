// Decodes journald's export format (`journalctl -o export`, systemd's JOURNAL_EXPORT_FORMATS
// document) as a stream of bytes: entries of fields separated by an empty line, each field
// either `NAME=value\n` or, when the value holds a newline or other bytes that are not text,
// `NAME\n`, a 64-bit little-endian length, the raw bytes and `\n`. Each entry with a MESSAGE
// becomes one `journalctl -o json`-style line ({"MESSAGE": ..., "__REALTIME_TIMESTAMP": ...}),
// which the record reader (log-records.ts) already reads. Only the fields kcompat uses are kept,
// each cut at a bound; the rest are skipped as they stream by. Pure.

/** A kept field longer than this is cut (the same bound as a log record). */
const MAX_FIELD_BYTES = 1 << 20;
/** Field names are short upper-case words; a longer "name" means this is not an export. */
const MAX_NAME_BYTES = 256;
const KEPT_FIELDS = new Set(['MESSAGE', '__REALTIME_TIMESTAMP']);
const NEWLINE = 0x0a;
const EQUALS = 0x3d;

export class JournalExportError extends Error {}

type State =
  | { kind: 'name' }
  | { kind: 'value' }
  | { kind: 'length'; got: number }
  | { kind: 'data'; left: bigint }
  | { kind: 'data-end' };

export class JournalExportDecoder {
  private state: State = { kind: 'name' };
  private name: number[] = [];
  /** The field being read, once its name is complete; its value is kept when kcompat uses it. */
  private field = '';
  private keeping = false;
  private cut = false;
  private value: Buffer[] = [];
  private valueBytes = 0;
  private readonly lengthBytes = Buffer.alloc(8);
  private fields = new Map<string, Buffer>();
  /** Entries read so far. */
  entries = 0;
  /** Kept fields that were longer than the bound, cut. */
  cutFields = 0;

  /** emit: one JSON line (UTF-8, with its newline) per entry that has a MESSAGE. */
  constructor(private readonly emit: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const state = this.state;
      switch (state.kind) {
        case 'name': {
          const byte = chunk[at++]!;
          if (byte === NEWLINE) {
            if (this.name.length === 0) this.endEntry();
            else {
              this.beginField();
              this.state = { kind: 'length', got: 0 }; // a binary field
            }
          } else if (byte === EQUALS && this.name.length > 0) {
            this.beginField();
            this.state = { kind: 'value' };
          } else {
            if (this.name.length >= MAX_NAME_BYTES || byte < 0x20)
              throw new JournalExportError(
                `not journald export data after entry ${this.entries} (a field name is not text)`,
              );
            this.name.push(byte);
          }
          break;
        }
        case 'value': {
          const end = chunk.indexOf(NEWLINE, at);
          this.keep(chunk.subarray(at, end < 0 ? chunk.length : end));
          if (end < 0) return;
          at = end + 1;
          this.endField();
          break;
        }
        case 'length': {
          const take = Math.min(8 - state.got, chunk.length - at);
          chunk.copy(this.lengthBytes, state.got, at, at + take);
          at += take;
          state.got += take;
          if (state.got === 8)
            this.state = { kind: 'data', left: this.lengthBytes.readBigUInt64LE(0) };
          break;
        }
        case 'data': {
          const available = BigInt(chunk.length - at);
          const take = Number(state.left < available ? state.left : available);
          this.keep(chunk.subarray(at, at + take));
          at += take;
          state.left -= BigInt(take);
          if (state.left === 0n) this.state = { kind: 'data-end' };
          break;
        }
        case 'data-end': {
          if (chunk[at++] !== NEWLINE)
            throw new JournalExportError(
              `not journald export data after entry ${this.entries} (a binary field does not end with a newline)`,
            );
          this.endField();
          break;
        }
      }
    }
  }

  /** The end of the data: an entry not yet closed by an empty line is emitted. */
  end(): void {
    if (this.state.kind === 'value') this.endField();
    if (this.fields.size > 0) this.endEntry();
  }

  private beginField(): void {
    this.field = String.fromCharCode(...this.name);
    this.name = [];
    this.keeping = KEPT_FIELDS.has(this.field);
  }

  private keep(bytes: Buffer): void {
    if (!this.keeping) return;
    const kept = bytes.subarray(0, Math.max(0, MAX_FIELD_BYTES - this.valueBytes));
    if (kept.length < bytes.length && !this.cut) {
      this.cut = true;
      this.cutFields++;
    }
    if (kept.length === 0) return;
    this.value.push(Buffer.from(kept));
    this.valueBytes += kept.length;
  }

  private endField(): void {
    if (this.keeping) this.fields.set(this.field, Buffer.concat(this.value));
    this.value = [];
    this.valueBytes = 0;
    this.cut = false;
    this.keeping = false;
    this.state = { kind: 'name' };
  }

  private endEntry(): void {
    this.entries++;
    const message = this.fields.get('MESSAGE');
    const timestamp = this.fields.get('__REALTIME_TIMESTAMP');
    this.fields = new Map();
    this.state = { kind: 'name' };
    if (message === undefined) return;
    const record: Record<string, string> = { MESSAGE: message.toString('utf8') };
    if (timestamp) record.__REALTIME_TIMESTAMP = timestamp.toString('latin1');
    this.emit(Buffer.from(`${JSON.stringify(record)}\n`));
  }
}

/** Whether data starts like an export: its first field is the entry's cursor. */
export function looksLikeJournalExport(head: Buffer): boolean {
  return head.subarray(0, 9).toString('latin1') === '__CURSOR=';
}
