// Reads the inputs of `kcompat why` and `kcompat verifier` as streams of lines: files, globs,
// standard input, FIFOs, character devices (/dev/kmsg), gzip and zstd data. Memory is bounded
// whatever the input: one chunk and one line (cut at a maximum length, the rest skipped and
// counted) at a time. The text is normalised on the way (src/cli/text-stage.ts): a UTF-16 byte
// order mark is decoded, runs of NUL bytes (an unclean shutdown, copytruncate) are counted and
// skipped, journald's export format is decoded. An input that cannot be read (binary throughout,
// unreadable, a directory, broken compressed data) is refused with a one-line InputError; with
// several inputs, the CLI reports it and goes on with the others.
import {
  closeSync,
  constants,
  createReadStream,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from './errors.js';
import { TextStage, type TextNotes } from './text-stage.js';
import { ZstdWindowError, ZstdWindowGuard } from './zstd-window.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export interface StreamStats extends TextNotes {
  /** Bytes of text read (after decompression). */
  bytes: number;
  /** Lines, when read line by line (blocks are counted by their consumer). */
  lines: number;
  /** Lines longer than the maximum, cut. */
  longLines: number;
  /** --timeout ended the reading: what came before was read. */
  timedOut?: boolean;
}

export interface StreamOptions {
  /** Lines longer than this many bytes are cut there; the rest is skipped and counted. */
  maxLineBytes: number;
  /** Called as the source is read: bytes of the file so far, and its size when known. */
  onProgress?: (read: number, total: number | undefined) => void;
  /** Stop reading after this many seconds (a FIFO, a pipe or a device that never ends). */
  timeoutSeconds?: number;
  /**
   * Called when a read is still blocked well after the timeout (only a read the kernel will not
   * end, on a regular file on a hung mount): the caller ends the process.
   */
  onStuck?: (label: string) => void;
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

function startsWith(buffer: Uint8Array, magic: readonly number[]): boolean {
  return buffer.length >= magic.length && magic.every((byte, index) => buffer[index] === byte);
}

export function describeInput(name: string): string {
  return name === '-' ? 'standard input' : name;
}

/**
 * Expands the names: "-" is standard input; a name with glob characters that is not a file is a
 * glob. A file reached twice (a glob through a symlink loop, the same file named twice) is read
 * once. Problems (no match, "-" twice) come back as errors, not thrown: the other names go on.
 */
export async function expandInputs(
  names: readonly string[],
): Promise<{ inputs: string[]; errors: InputError[] }> {
  const inputs: string[] = [];
  const errors: InputError[] = [];
  const seen = new Set<string>();
  let stdin = false;
  const add = (name: string) => {
    const identity = fileIdentity(name);
    if (identity !== null) {
      if (seen.has(identity)) return;
      seen.add(identity);
    }
    inputs.push(name);
  };
  for (const name of names) {
    if (name === '-') {
      if (stdin) errors.push(new InputError('standard input is named twice: it is read once'));
      else inputs.push(name);
      stdin = true;
      continue;
    }
    if (!/[*?[{]/.test(name) || exists(name)) {
      add(name);
      continue;
    }
    const { glob } = await import('tinyglobby');
    // Names come back as the user wrote the pattern: absolute for an absolute pattern.
    const found = (await glob(name, { onlyFiles: true, absolute: isAbsolute(name) })).sort();
    if (found.length === 0) errors.push(new InputError(`${name}: no file matches this pattern`));
    for (const file of found) add(file);
  }
  return { inputs, errors };
}

/** Device and inode of a file, or null when it cannot be read (its reading will say why). */
function fileIdentity(name: string): string | null {
  try {
    const stat = statSync(name);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return null;
  }
}

function exists(name: string): boolean {
  return fileIdentity(name) !== null;
}

type Kind = 'file' | 'fifo' | 'device' | 'stdin';

/** What an input is, so that it is read in a way that a timeout can end. */
function inputKind(name: string, label: string): { kind: Kind; size?: number } {
  if (name === '-') {
    try {
      const stat = statSync('/dev/stdin');
      if (stat.isCharacterDevice()) return { kind: 'device' };
      if (stat.isFile()) return { kind: 'file', size: stat.size };
    } catch {
      // no /dev/stdin: read it as Node's stream
    }
    return { kind: 'stdin' };
  }
  try {
    const stat = statSync(name);
    if (stat.isDirectory()) throw new InputError(`${label}: is a directory, not a log file`);
    if (stat.isFile()) return { kind: 'file', size: stat.size };
    if (stat.isFIFO() || stat.isSocket()) return { kind: 'fifo' };
    return { kind: 'device' };
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw cannotRead(label, error);
  }
}

function cannotRead(label: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputError(`${label}: cannot read (${code ?? (error as Error).message})`);
}

/**
 * Reads one input as lines. Compressed input (gzip, zstd) is recognised by its magic bytes, not
 * its name. Throws InputError; lines already passed on before the error stay passed on.
 */
export async function streamLines(
  name: string,
  sink: LineSink,
  { maxLineBytes, onProgress, timeoutSeconds, onStuck }: StreamOptions,
): Promise<StreamStats> {
  const label = describeInput(name);
  const { kind, size } = inputKind(name, label);
  const splitter = new LineSplitter(sink, maxLineBytes);
  const text = new TextStage(splitter, label);
  let read = 0;
  let format: 'plain' | 'gzip' | 'zstd' = 'plain';
  const reading: Reading = { stopped: false, stop: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  let stuckTimer: NodeJS.Timeout | undefined;
  let timedOut = false;
  if (timeoutSeconds !== undefined) {
    timer = setTimeout(() => {
      timedOut = true;
      reading.stopped = true;
      reading.stop();
      // A read the kernel does not end (a hung mount) would keep the process alive.
      stuckTimer = setTimeout(() => onStuck?.(label), 2000);
      stuckTimer.unref();
    }, timeoutSeconds * 1000);
  }
  const progress = (chunk: Uint8Array) => {
    read += chunk.length;
    onProgress?.(read, size);
  };
  try {
    if (kind === 'file' && name !== '-') {
      // A regular file that is not compressed: read into one reused buffer (no chunk to collect).
      const plain = await readPlainFile(name, label, size!, reading, (chunk) => {
        progress(chunk);
        text.push(chunk);
      });
      if (plain) return finish();
    }
    const raw = rawChunks(name, kind, label, reading);
    const first = await raw.next();
    if (first.done) return finish();
    const head = first.value;
    format = startsWith(head, GZIP_MAGIC)
      ? 'gzip'
      : startsWith(head, ZSTD_MAGIC)
        ? 'zstd'
        : 'plain';
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let next: IteratorResult<Buffer> = first; !next.done; next = await raw.next()) {
        progress(next.value);
        yield next.value;
      }
    }
    if (format === 'gzip') {
      const gunzip = (await import('node:zlib')).createGunzip();
      const { Readable: ReadableStream } = await import('node:stream');
      reading.stop = () => gunzip.destroy();
      for await (const chunk of ReadableStream.from(chunks()).pipe(gunzip))
        text.push(chunk as Buffer);
    } else if (format === 'zstd') {
      // Node 20's zlib has no zstd; fzstd decompresses in JavaScript, chunk by chunk, after the
      // guard has checked each frame's window against the memory bound.
      const { Decompress } = await import('fzstd');
      const guard = new ZstdWindowGuard();
      const pending: Buffer[] = [];
      const decompress = new Decompress((data) => pending.push(Buffer.from(data)));
      const drain = () => {
        for (const data of pending.splice(0)) text.push(data);
      };
      for await (const chunk of chunks()) {
        guard.push(chunk);
        decompress.push(chunk);
        drain();
      }
      if (!reading.stopped) decompress.push(new Uint8Array(0), true);
      drain();
    } else {
      for await (const chunk of chunks()) text.push(chunk);
    }
    return finish();
  } catch (error) {
    if (timedOut) return finish();
    if (error instanceof InputError) throw error;
    if (error instanceof ZstdWindowError) throw new InputError(`${label}: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      format === 'plain'
        ? `${label}: cannot read (${code ?? (error as Error).message})`
        : `${label}: broken ${format} data (${(error as Error).message})`,
    );
  } finally {
    clearTimeout(timer);
    clearTimeout(stuckTimer);
    reading.stop();
  }

  function finish(): StreamStats {
    text.end();
    splitter.end();
    return {
      bytes: text.bytes,
      lines: splitter.lines,
      longLines: splitter.longLines,
      ...text.notes(),
      ...(timedOut ? { timedOut: true } : {}),
    };
  }
}

/** A read in progress that a timeout can stop: stop() ends it, stopped says it was ended. */
interface Reading {
  stopped: boolean;
  stop: () => void;
}

/**
 * The raw chunks of a stream input. Every kind is read in a way the timeout can end: FIFOs and
 * pipes as non-blocking sockets, character devices (/dev/kmsg) by polling a non-blocking
 * descriptor; a regular file given on standard input never blocks.
 */
function rawChunks(
  name: string,
  kind: Kind,
  label: string,
  reading: Reading,
): AsyncIterator<Buffer> {
  if (kind === 'device') return pollDevice(name === '-' ? '/dev/stdin' : name, label, reading);
  const source = (async (): Promise<Readable> => {
    if (kind === 'stdin' || (kind === 'file' && name === '-')) return process.stdin;
    if (kind === 'file') return createReadStream(name); // compressed: a regular file never blocks
    // net loads only when needed: start-up matters for a pasted error.
    const { Socket } = await import('node:net');
    let fd: number;
    try {
      fd = openSync(name, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      throw cannotRead(label, error);
    }
    return new Socket({ fd, readable: true, writable: false });
  })();
  let iterator: AsyncIterator<Buffer> | undefined;
  return {
    async next() {
      if (!iterator) {
        const stream = await source;
        reading.stop = () => {
          if (stream === process.stdin) stream.pause();
          else stream.destroy();
        };
        if (reading.stopped) return { done: true, value: undefined };
        iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      }
      if (reading.stopped) return { done: true, value: undefined };
      return iterator.next();
    },
  };
}

/** How long a poll of a character device waits when it has nothing to read. */
const POLL_INTERVAL_MS = 25;
const DEVICE_CHUNK = 64 * 1024;

/**
 * Reads a character device through a non-blocking descriptor: when it has nothing (EAGAIN), wait
 * and try again, so no read ever blocks in the kernel and a timeout can end it. /dev/kmsg answers
 * EPIPE when records were overwritten before they were read; reading goes on after them.
 */
async function* pollDevice(path: string, label: string, reading: Reading): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw cannotRead(label, error);
  }
  const buffer = Buffer.allocUnsafe(DEVICE_CHUNK);
  try {
    while (!reading.stopped) {
      let bytes: number;
      try {
        bytes = readSync(fd, buffer, 0, DEVICE_CHUNK, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          await sleep(POLL_INTERVAL_MS);
          continue;
        }
        if (code === 'EPIPE') continue;
        throw cannotRead(label, error);
      }
      if (bytes === 0) return;
      yield Buffer.from(buffer.subarray(0, bytes));
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a regular file chunk by chunk into one buffer, unless it starts like gzip or zstd (then
 * false, before anything was passed on). Reads are asynchronous, so signals, progress and the
 * timeout are served between them.
 */
async function readPlainFile(
  name: string,
  label: string,
  size: number,
  reading: Reading,
  onChunk: (chunk: Buffer) => void,
): Promise<boolean> {
  if (size <= SMALL_FILE) {
    // One synchronous read: four round trips to the thread pool cost more than it for a small
    // file (start-up matters for a pasted error), and nothing waits long enough to need them.
    let bytes: Buffer;
    try {
      bytes = readFileSync(name);
    } catch (error) {
      throw cannotRead(label, error);
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
    throw cannotRead(label, error);
  }
  // Two buffers: the next chunk is read (on libuv's thread pool) while this one is searched.
  const buffers = [Buffer.allocUnsafe(FILE_CHUNK), Buffer.allocUnsafe(FILE_CHUNK)] as const;
  let pending = file.read(buffers[0], 0, FILE_CHUNK, null);
  try {
    for (let index = 0, first = true; !reading.stopped; index ^= 1, first = false) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return true;
      const chunk = buffers[index]!.subarray(0, bytesRead);
      if (first && (startsWith(chunk, GZIP_MAGIC) || startsWith(chunk, ZSTD_MAGIC))) return false;
      pending = file.read(buffers[index ^ 1]!, 0, FILE_CHUNK, null);
      onChunk(chunk);
    }
    return true;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw cannotRead(label, error);
  } finally {
    await pending.catch(() => undefined); // a read still in flight when a chunk was refused
    await file.close();
  }
}
