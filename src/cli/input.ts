// Reads the inputs of `kcompat why` and `kcompat verifier` as streams of lines: files, globs,
// standard input, gzip and zstd files. Memory is bounded whatever the input: one chunk and one
// line (cut at a maximum length, the rest skipped and counted) at a time. What is not text
// (binary, empty, unreadable, a directory, broken compressed data) is refused with a one-line
// UsageError.
import { constants, createReadStream, openSync, readFileSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { UsageError } from './errors.js';

const SNIFF_BYTES = 8192;
const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export interface StreamStats {
  /** Bytes of text read (after decompression). */
  bytes: number;
  /** Lines, when read line by line (blocks are counted by their consumer). */
  lines: number;
  /** Lines longer than the maximum, cut. */
  longLines: number;
}

export interface StreamOptions {
  /** Lines longer than this many bytes are cut there; the rest is skipped and counted. */
  maxLineBytes: number;
  /** Called as the source is read: bytes of the file so far, and its size when known. */
  onProgress?: (read: number, total: number | undefined) => void;
  /** Give up reading after this many seconds (a FIFO or a pipe that never ends). */
  timeoutSeconds?: number;
}

/** Bytes read from a regular file at a time, into one buffer reused for the whole file. */
const FILE_CHUNK = 1 << 20;
/** Files up to this size are read at once, synchronously. */
const SMALL_FILE = 1 << 20;
const NEWLINE = 0x0a;

type LineSink = ((line: string) => void) | { onBlock: (bytes: Buffer) => void };

/**
 * Splits chunks of bytes into lines (a function sink) or into blocks of whole lines (onBlock:
 * UTF-8 bytes joined by "\n", a view of the chunk, searched before any decoding). Lines are
 * split on the newline byte, which UTF-8 never uses inside a character, so no character is cut.
 * A line longer than maxLineBytes is cut there and the rest of it skipped: what is held is one
 * chunk plus one line at most. Chunks may be reused by the caller once push returns.
 */
export class LineSplitter {
  /** The start of a line that continues in the next chunk (a copy). */
  private carry: Buffer | null = null;
  private skipping = false;
  lines = 0;
  longLines = 0;
  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes: number,
  ) {}

  push(chunk: Buffer): void {
    // A line that lies inside one piece is shorter than the piece: pieces of at most
    // maxLineBytes leave every line over the limit to the carry, where it is cut.
    for (let at = 0; at < chunk.length; at += this.maxLineBytes)
      this.pushPiece(chunk.subarray(at, at + this.maxLineBytes));
  }

  private pushPiece(chunk: Buffer): void {
    let from = 0;
    if (this.skipping) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) return;
      this.skipping = false;
      from = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < from) {
      this.keep(chunk.subarray(from));
      return;
    }
    if (this.carry) {
      const first = chunk.indexOf(NEWLINE, from);
      const line = Buffer.concat([this.carry, chunk.subarray(from, first)]);
      this.carry = null;
      this.emit(line.length > this.maxLineBytes ? this.cut(line) : line);
      from = first + 1;
    }
    if (from <= last) this.emit(chunk.subarray(from, last));
    this.keep(chunk.subarray(last + 1));
  }

  end(): void {
    if (this.carry && !this.skipping) this.emit(this.carry);
    this.carry = null;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    const carry = this.carry ? Buffer.concat([this.carry, bytes]) : Buffer.from(bytes);
    if (carry.length > this.maxLineBytes) {
      this.emit(this.cut(carry));
      this.skipping = true;
      this.carry = null;
    } else this.carry = carry;
  }

  private cut(line: Buffer): Buffer {
    this.longLines++;
    return line.subarray(0, this.maxLineBytes);
  }

  private emit(block: Buffer): void {
    if (typeof this.sink !== 'function') {
      this.sink.onBlock(block);
      return;
    }
    for (let start = 0; start <= block.length;) {
      const newline = block.indexOf(NEWLINE, start);
      const end = newline < 0 ? block.length : newline;
      this.lines++;
      this.sink(block.toString('utf8', start, Math.min(end, start + this.maxLineBytes)));
      start = end + 1;
    }
  }
}

function startsWith(buffer: Buffer, magic: readonly number[]): boolean {
  return buffer.length >= magic.length && magic.every((byte, index) => buffer[index] === byte);
}

function describe(name: string): string {
  return name === '-' ? 'standard input' : name;
}

/** Expands the names: "-" is standard input; a name with glob characters that is not a file is a glob. */
export async function expandInputs(names: readonly string[]): Promise<string[]> {
  const expanded: string[] = [];
  for (const name of names) {
    if (name === '-' || !/[*?[{]/.test(name) || exists(name)) {
      expanded.push(name);
      continue;
    }
    const { glob } = await import('tinyglobby');
    // Names come back as the user wrote the pattern: absolute for an absolute pattern.
    const found = (await glob(name, { onlyFiles: true, absolute: isAbsolute(name) })).sort();
    if (found.length === 0) throw new UsageError(`${name}: no file matches this pattern`);
    expanded.push(...found);
  }
  return expanded;
}

function exists(name: string): boolean {
  try {
    statSync(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads one input as lines. Compressed input (gzip, zstd) is recognised by its magic bytes, not
 * its name; journald's export format may carry NUL bytes in binary fields and is let through.
 */
export async function streamLines(
  name: string,
  sink: LineSink,
  { maxLineBytes, onProgress, timeoutSeconds }: StreamOptions,
): Promise<StreamStats> {
  const label = describe(name);
  let total: number | undefined;
  let fifo = false;
  if (name !== '-') {
    try {
      const stat = statSync(name);
      if (stat.isDirectory()) throw new UsageError(`${name}: is a directory, not a log file`);
      if (stat.isFile()) total = stat.size;
      fifo = stat.isFIFO();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `${name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const splitter = new LineSplitter(sink, maxLineBytes);
  let bytes = 0;
  let read = 0;
  let format: 'plain' | 'gzip' | 'zstd' = 'plain';
  let timer: NodeJS.Timeout | undefined;
  const take = (chunk: Buffer) => {
    if (bytes === 0 && chunk.subarray(0, SNIFF_BYTES).includes(0) && !isJournalExport(chunk))
      throw new UsageError(`${label}: binary data (NUL bytes), not a log or error text`);
    bytes += chunk.length;
    splitter.push(chunk);
  };
  if (total !== undefined && !fifo) {
    // A regular file that is not compressed: read into one reused buffer (no chunk to collect).
    const plain = await readPlainFile(name, label, total, (chunk) => {
      read += chunk.length;
      onProgress?.(read, total);
      take(chunk);
    });
    if (plain) {
      splitter.end();
      if (bytes === 0) throw new UsageError(`${label}: empty input, nothing to read`);
      return { bytes, lines: splitter.lines, longLines: splitter.longLines };
    }
  }
  // A FIFO is read as a non-blocking pipe: a blocking read of one cannot be cancelled, and the
  // process could not end while it waits (--timeout).
  // net and zlib load only when needed: start-up matters for a pasted error.
  const source: Readable =
    name === '-'
      ? process.stdin
      : fifo
        ? new (await import('node:net')).Socket({
            fd: openSync(name, constants.O_RDONLY | constants.O_NONBLOCK),
            readable: true,
            writable: false,
          })
        : createReadStream(name);
  try {
    // A read blocked on a FIFO cannot be cancelled, so the timeout races each read instead.
    const expired =
      timeoutSeconds === undefined
        ? null
        : new Promise<never>((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new UsageError(
                    `${label}: still open after ${timeoutSeconds} s (--timeout); nothing diagnosed`,
                    true,
                  ),
                ),
              timeoutSeconds * 1000,
            );
          });
    expired?.catch(() => undefined);
    const iterator = source[Symbol.asyncIterator]();
    const raw = {
      next: (): Promise<IteratorResult<Buffer>> =>
        expired ? Promise.race([iterator.next(), expired]) : iterator.next(),
    };
    const first = await raw.next();
    if (first.done) throw new UsageError(`${label}: empty input, nothing to read`);
    const head = first.value as Buffer;
    format = startsWith(head, GZIP_MAGIC)
      ? 'gzip'
      : startsWith(head, ZSTD_MAGIC)
        ? 'zstd'
        : 'plain';
    async function* chunks(): AsyncGenerator<Buffer> {
      for (
        let next: IteratorResult<Buffer> = { value: head, done: false };
        !next.done;
        next = await raw.next()
      ) {
        read += next.value.length;
        onProgress?.(read, total);
        yield next.value;
      }
    }
    if (format === 'gzip') {
      const gunzip = (await import('node:zlib')).createGunzip();
      const { Readable: ReadableStream } = await import('node:stream');
      for await (const chunk of ReadableStream.from(chunks()).pipe(gunzip)) take(chunk as Buffer);
    } else if (format === 'zstd') {
      // Node 20's zlib has no zstd; fzstd decompresses in JavaScript, chunk by chunk.
      const { Decompress } = await import('fzstd');
      const pending: Buffer[] = [];
      const decompress = new Decompress((data) => pending.push(Buffer.from(data)));
      const drain = () => {
        for (const data of pending.splice(0)) take(data);
      };
      for await (const chunk of chunks()) {
        decompress.push(chunk);
        drain();
      }
      decompress.push(new Uint8Array(0), true);
      drain();
    } else {
      for await (const chunk of chunks()) take(chunk);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      format === 'plain'
        ? `${label}: cannot read (${code ?? (error as Error).message})`
        : `${label}: broken ${format} data (${(error as Error).message})`,
    );
  } finally {
    clearTimeout(timer);
    if (name !== '-') source.destroy();
  }
  splitter.end();
  if (bytes === 0) throw new UsageError(`${label}: empty input, nothing to read`);
  return { bytes, lines: splitter.lines, longLines: splitter.longLines };
}

/**
 * Reads a regular file chunk by chunk into one buffer, unless it starts like gzip or zstd (then
 * false, before anything was passed on). Reads are asynchronous, so signals and progress are
 * served between them.
 */
async function readPlainFile(
  name: string,
  label: string,
  size: number,
  onChunk: (chunk: Buffer) => void,
): Promise<boolean> {
  if (size <= SMALL_FILE) {
    // One synchronous read: four round trips to the thread pool cost more than it for a small
    // file (start-up matters for a pasted error), and nothing waits long enough to need them.
    let bytes: Buffer;
    try {
      bytes = readFileSync(name);
    } catch (error) {
      throw new UsageError(
        `${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    if (startsWith(bytes, GZIP_MAGIC) || startsWith(bytes, ZSTD_MAGIC)) return false;
    for (let at = 0; at < bytes.length; at += FILE_CHUNK)
      onChunk(bytes.subarray(at, at + FILE_CHUNK));
    return true;
  }
  let file: FileHandle;
  try {
    file = await open(name, 'r');
  } catch (error) {
    throw new UsageError(
      `${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  // Two buffers: the next chunk is read (on libuv's thread pool) while this one is searched.
  const buffers = [Buffer.allocUnsafe(FILE_CHUNK), Buffer.allocUnsafe(FILE_CHUNK)] as const;
  let pending = file.read(buffers[0], 0, FILE_CHUNK, null);
  try {
    for (let index = 0, first = true; ; index ^= 1, first = false) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return true;
      const chunk = buffers[index]!.subarray(0, bytesRead);
      if (first && (startsWith(chunk, GZIP_MAGIC) || startsWith(chunk, ZSTD_MAGIC))) return false;
      pending = file.read(buffers[index ^ 1]!, 0, FILE_CHUNK, null);
      onChunk(chunk);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${label}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  } finally {
    await pending.catch(() => undefined); // a read still in flight when a chunk was refused
    await file.close();
  }
}

/** `journalctl -o export` output: text fields, and binary ones with NUL bytes in their length. */
function isJournalExport(chunk: Buffer): boolean {
  return chunk.subarray(0, 9).toString('latin1') === '__CURSOR=';
}
