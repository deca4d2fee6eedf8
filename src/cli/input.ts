// Reads the inputs of `kcompat why` and `kcompat verifier` as streams of lines: files, globs,
// standard input, gzip and zstd files. Memory is bounded whatever the input: one chunk and one
// line (cut at a maximum length, the rest skipped and counted) at a time. What is not text
// (binary, empty, unreadable, a directory, broken compressed data) is refused with a one-line
// UsageError.
import { constants, createReadStream, openSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
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
  maxLineChars: number;
  /** Called as the source is read: bytes of the file so far, and its size when known. */
  onProgress?: (read: number, total: number | undefined) => void;
  /** Give up reading after this many seconds (a FIFO or a pipe that never ends). */
  timeoutSeconds?: number;
}

/**
 * Splits decoded chunks into lines (onLine) or into blocks of whole lines (onBlock, joined by
 * "\n": the consumer searches a block at once). A line longer than maxLineChars is cut there and
 * the rest of it skipped, so what is held is one chunk plus one line at most.
 */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private skipping = false;
  lines = 0;
  longLines = 0;
  constructor(
    private readonly sink: { onLine?: (line: string) => void; onBlock?: (text: string) => void },
    private readonly maxLineChars: number,
  ) {}

  push(chunk: Buffer): void {
    let text = this.pending + this.decoder.write(chunk);
    this.pending = '';
    if (this.skipping) {
      const newline = text.indexOf('\n');
      if (newline < 0) return;
      this.skipping = false;
      text = text.slice(newline + 1);
    }
    const last = text.lastIndexOf('\n');
    const rest = last < 0 ? text : text.slice(last + 1);
    if (last >= 0) this.emit(text.slice(0, last));
    if (rest.length > this.maxLineChars) {
      this.emit(rest.slice(0, this.maxLineChars));
      this.longLines++;
      this.skipping = true;
    } else this.pending = rest;
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    if (rest !== '' && !this.skipping) this.emit(rest);
  }

  private emit(text: string): void {
    if (this.sink.onBlock) {
      this.sink.onBlock(text);
      return;
    }
    for (const line of text.split('\n')) {
      this.lines++;
      this.sink.onLine!(line.length > this.maxLineChars ? line.slice(0, this.maxLineChars) : line);
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
  sink: ((line: string) => void) | { onBlock: (text: string) => void },
  { maxLineChars, onProgress, timeoutSeconds }: StreamOptions,
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
  // A FIFO is read as a non-blocking pipe: a blocking read of one cannot be cancelled, and the
  // process could not end while it waits (--timeout).
  const source: Readable =
    name === '-'
      ? process.stdin
      : fifo
        ? new Socket({
            fd: openSync(name, constants.O_RDONLY | constants.O_NONBLOCK),
            readable: true,
            writable: false,
          })
        : createReadStream(name);
  const splitter = new LineSplitter(
    typeof sink === 'function' ? { onLine: sink } : sink,
    maxLineChars,
  );
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
      const gunzip = createGunzip();
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

/** `journalctl -o export` output: text fields, and binary ones with NUL bytes in their length. */
function isJournalExport(chunk: Buffer): boolean {
  return chunk.subarray(0, 9).toString('latin1') === '__CURSOR=';
}
