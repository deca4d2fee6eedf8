// Between the bytes of an input (decompressed) and its lines: what a real node's logs hold besides
// clean UTF-8 text. A byte order mark says UTF-16 (a log written on Windows, PowerShell's `>`):
// decoded to UTF-8. Runs of NUL bytes are what an unclean shutdown (blocks allocated, never
// written) or copytruncate (a writer going on at its old offset) leave: counted, reported, and
// skipped as a line break, so the lines around them are still read, as ripgrep does with a file it
// is asked to search. Data that starts like journald's export format is decoded as such, binary
// fields included (src/core/journal-export.ts). Only data that is binary throughout (its first
// 8 KiB of content are mostly control bytes or scattered NULs) is refused.
import { InputError } from './errors.js';
import {
  JournalExportDecoder,
  JournalExportError,
  looksLikeJournalExport,
} from '../core/journal-export.js';

/** Content (leading NULs aside) looked at before the input is judged text or binary. */
const SNIFF_BYTES = 8192;
/** A NUL run shorter than this inside the sniffed content is a binary file's, not a hole's. */
const HOLE_MIN = 8;
/** More than this share of control bytes and scattered NULs in the sniffed content: binary. */
const BINARY_SHARE = 0.1;
const NEWLINE = 0x0a;

export interface TextNotes {
  /** Runs of NUL bytes skipped, and their bytes. */
  nulRuns?: number;
  nulBytes?: number;
  /** The text was UTF-16 (with a byte order mark), decoded. */
  encoding?: 'utf-16le' | 'utf-16be';
  /** The input was journald's export format; lines are its entries. */
  format?: 'journal-export';
  /** Nothing but NUL bytes, or nothing at all. */
  empty?: boolean;
}

export interface LineStage {
  push(chunk: Buffer): void;
  end(): void;
}

export class TextStage {
  /** Bytes of text passed on. */
  bytes = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;
  private started = false;
  private utf16: TextDecoder | null = null;
  private encoding: TextNotes['encoding'];
  private exportDecoder: JournalExportDecoder | null = null;
  private nulRuns = 0;
  private nulBytes = 0;
  /** The last byte passed on was a newline (or nothing was passed on yet). */
  private atLineStart = true;
  /** A NUL run that reaches the end of the last chunk goes on in the next. */
  private inNulRun = false;
  /** The current NUL run began inside a line: the content after it starts a new line. */
  private runBreaksLine = false;

  constructor(
    private readonly lines: LineStage,
    private readonly label: string,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (!this.started) {
      this.started = true;
      chunk = this.readByteOrderMark(chunk);
    }
    if (this.utf16) chunk = Buffer.from(this.utf16.decode(chunk, { stream: true }), 'utf8');
    if (this.decided) {
      this.pass(chunk);
      return;
    }
    // Leading NULs are skipped as they come (a copytruncated log may start with gigabytes of
    // them); content is held until there is enough to judge.
    const content = this.headBytes === 0 ? this.skipLeadingNuls(chunk) : chunk;
    if (content.length === 0) return;
    this.head.push(Buffer.from(content));
    this.headBytes += content.length;
    if (this.headBytes >= SNIFF_BYTES) this.decide();
  }

  end(): void {
    if (this.utf16) {
      const rest = this.utf16.decode();
      if (rest.length > 0) this.push(Buffer.from(rest, 'utf8'));
    }
    if (!this.decided) this.decide();
    try {
      this.exportDecoder?.end();
    } catch (error) {
      throw this.exportError(error);
    }
  }

  notes(): TextNotes {
    return {
      ...(this.nulRuns > 0 ? { nulRuns: this.nulRuns, nulBytes: this.nulBytes } : {}),
      ...(this.encoding ? { encoding: this.encoding } : {}),
      ...(this.exportDecoder ? { format: 'journal-export' as const } : {}),
      ...(this.bytes === 0 ? { empty: true } : {}),
    };
  }

  private readByteOrderMark(chunk: Buffer): Buffer {
    if (chunk[0] === 0xff && chunk[1] === 0xfe) this.encoding = 'utf-16le';
    else if (chunk[0] === 0xfe && chunk[1] === 0xff) this.encoding = 'utf-16be';
    else if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) return chunk.subarray(3);
    else return chunk;
    this.utf16 = new TextDecoder(this.encoding);
    return chunk.subarray(2);
  }

  private skipLeadingNuls(chunk: Buffer): Buffer {
    let at = 0;
    while (at < chunk.length && chunk[at] === 0) at++;
    if (at > 0 && !this.inNulRun) this.nulRuns++;
    this.nulBytes += at;
    // A run at the start of the input is at a line's start: it breaks nothing.
    this.inNulRun = at === chunk.length;
    this.runBreaksLine = false;
    return chunk.subarray(at);
  }

  private decide(): void {
    this.decided = true;
    const head = Buffer.concat(this.head);
    this.head = [];
    if (head.length === 0) return;
    if (looksLikeJournalExport(head)) {
      this.exportDecoder = new JournalExportDecoder((line) => this.passText(line));
    } else if (isBinary(head)) {
      throw new InputError(`${this.label}: binary data, not a log or error text`);
    }
    this.pass(head);
  }

  private pass(chunk: Buffer): void {
    if (this.exportDecoder) {
      try {
        this.exportDecoder.push(chunk);
      } catch (error) {
        throw this.exportError(error);
      }
      return;
    }
    this.passWithoutNuls(chunk);
  }

  /**
   * The chunk without its NUL runs. A run inside a line ends that line (the bytes after it are
   * another write); a run at a line's start or end is dropped, so line numbers stay the file's.
   */
  private passWithoutNuls(chunk: Buffer): void {
    const parts: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      const nul = chunk.indexOf(0, at);
      const end = nul < 0 ? chunk.length : nul;
      if (end > at) {
        // Content after a run: the run ended; it breaks the line unless a newline follows.
        if (this.inNulRun && this.runBreaksLine && chunk[at] !== NEWLINE)
          parts.push(Buffer.from([NEWLINE]));
        this.inNulRun = false;
        parts.push(chunk.subarray(at, end));
      }
      if (nul < 0) break;
      let runEnd = nul;
      while (runEnd < chunk.length && chunk[runEnd] === 0) runEnd++;
      if (!this.inNulRun) {
        const last = parts[parts.length - 1];
        this.runBreaksLine = last ? last[last.length - 1] !== NEWLINE : !this.atLineStart;
        this.nulRuns++;
        this.inNulRun = true;
      }
      this.nulBytes += runEnd - nul;
      at = runEnd;
    }
    for (const part of parts) this.passText(part);
  }

  private passText(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.bytes += bytes.length;
    this.atLineStart = bytes[bytes.length - 1] === NEWLINE;
    this.lines.push(bytes);
  }

  private exportError(error: unknown): Error {
    return error instanceof JournalExportError
      ? new InputError(`${this.label}: ${error.message}`)
      : (error as Error);
  }
}

/**
 * Binary throughout: more than a tenth of the first content bytes are control bytes other than
 * whitespace and ESC, or NULs in runs too short to be a hole in a log.
 */
export function isBinary(head: Buffer): boolean {
  let suspicious = 0;
  let counted = 0;
  for (let at = 0; at < head.length;) {
    const byte = head[at]!;
    if (byte === 0) {
      let end = at;
      while (end < head.length && head[end] === 0) end++;
      if (end - at < HOLE_MIN) {
        suspicious += end - at;
        counted += end - at;
      }
      at = end;
      continue;
    }
    counted++;
    if ((byte < 0x20 && !(byte >= 0x08 && byte <= 0x0d) && byte !== 0x1b) || byte === 0x7f)
      suspicious++;
    at++;
  }
  return counted > 0 && suspicious > counted * BINARY_SHARE;
}
