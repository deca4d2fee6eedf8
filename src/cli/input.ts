// Reads the text inputs of `kcompat why`: files, standard input, gzip files. Refuses what is not
// text (binary, empty, too large, unreadable) with a one-line UsageError.
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { TextInput } from '../core/diagnose.js';
import { UsageError } from './errors.js';

/** Until `why` streams its input, a whole input is held in memory; this bounds it. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;
const SNIFF_BYTES = 8192;

export async function readInputs(names: readonly string[]): Promise<TextInput[]> {
  const inputs: TextInput[] = [];
  for (const name of names)
    inputs.push({ name, text: toText(name, name === '-' ? await readStdin() : readFile(name)) });
  return inputs;
}

function readFile(name: string): Buffer {
  let size: number;
  try {
    const stat = statSync(name);
    if (stat.isDirectory()) throw new UsageError(`${name}: is a directory, not a log file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  if (size > MAX_INPUT_BYTES) {
    throw new UsageError(
      `${name}: ${size} bytes is more than the ${MAX_INPUT_BYTES >> 20} MiB kcompat reads`,
    );
  }
  return readBounded(name);
}

function readBounded(name: string): Buffer {
  let fd: number;
  try {
    fd = openSync(name, 'r');
  } catch (error) {
    throw new UsageError(
      `${name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > MAX_INPUT_BYTES)
        throw new UsageError(`${name}: more than the ${MAX_INPUT_BYTES >> 20} MiB kcompat reads`);
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `${name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  } finally {
    closeSync(fd);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > MAX_INPUT_BYTES)
      throw new UsageError(
        `standard input: more than the ${MAX_INPUT_BYTES >> 20} MiB kcompat reads`,
      );
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toText(name: string, raw: Buffer): string {
  const label = name === '-' ? 'standard input' : name;
  let data = raw;
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data, { maxOutputLength: MAX_INPUT_BYTES });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UsageError(
        code === 'ERR_BUFFER_TOO_LARGE'
          ? `${label}: decompresses to more than ${MAX_INPUT_BYTES >> 20} MiB`
          : `${label}: broken gzip data (${(error as Error).message})`,
      );
    }
  }
  if (data.length === 0) throw new UsageError(`${label}: empty input, nothing to diagnose`);
  if (data.subarray(0, SNIFF_BYTES).includes(0)) {
    throw new UsageError(`${label}: binary data (NUL bytes), not a log or error text`);
  }
  return data.toString('utf8');
}

/** Splits decoded chunks into lines, cutting a line at maxLineChars and skipping the rest of it. */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private skipping = false;
  lines = 0;
  longLines = 0;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineChars: number,
  ) {}

  push(chunk: Buffer): void {
    const text = this.pending + this.decoder.write(chunk);
    this.pending = '';
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      if (!this.skipping) this.emit(text.slice(start, newline));
      this.skipping = false;
      start = newline + 1;
    }
    if (this.skipping) return;
    const rest = text.slice(start);
    if (rest.length > this.maxLineChars) {
      this.emit(rest);
      this.skipping = true;
    } else this.pending = rest;
  }

  end(): void {
    const rest = this.pending + this.decoder.end();
    if (rest !== '' && !this.skipping) this.emit(rest);
  }

  private emit(line: string): void {
    this.lines++;
    if (line.length > this.maxLineChars) this.longLines++;
    this.onLine(line.length > this.maxLineChars ? line.slice(0, this.maxLineChars) : line);
  }
}

/**
 * Reads one input (a file, "-" for standard input, gzip-compressed or not) as a stream of
 * lines, holding at most a chunk and one line (cut at maxLineChars) in memory whatever the size
 * of the input. Refuses directories, unreadable files, empty and binary input and broken gzip
 * data with a one-line UsageError.
 */
export async function streamLines(
  name: string,
  onLine: (line: string) => void,
  maxLineChars: number,
): Promise<{ bytes: number; lines: number; longLines: number }> {
  const label = name === '-' ? 'standard input' : name;
  if (name !== '-') {
    try {
      if (statSync(name).isDirectory())
        throw new UsageError(`${name}: is a directory, not a log file`);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `${name}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const source: Readable = name === '-' ? process.stdin : createReadStream(name);
  const splitter = new LineSplitter(onLine, maxLineChars);
  let bytes = 0;
  let gzip = false;
  try {
    const raw = source[Symbol.asyncIterator]();
    const first = await raw.next();
    if (first.done) throw new UsageError(`${label}: empty input, nothing to read`);
    const head = first.value as Buffer;
    gzip = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    async function* rest(): AsyncGenerator<Buffer> {
      yield head;
      for (let next = await raw.next(); !next.done; next = await raw.next())
        yield next.value as Buffer;
    }
    const chunks: AsyncIterable<Buffer> = gzip
      ? Readable.from(rest()).pipe(createGunzip())
      : rest();
    for await (const chunk of chunks) {
      if (bytes === 0 && chunk.subarray(0, SNIFF_BYTES).includes(0))
        throw new UsageError(`${label}: binary data (NUL bytes), not a log or error text`);
      bytes += chunk.length;
      splitter.push(chunk);
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      gzip
        ? `${label}: broken gzip data (${(error as Error).message})`
        : `${label}: cannot read (${code ?? (error as Error).message})`,
    );
  } finally {
    if (name !== '-') source.destroy();
  }
  splitter.end();
  if (bytes === 0) throw new UsageError(`${label}: empty input, nothing to read`);
  return { bytes, lines: splitter.lines, longLines: splitter.longLines };
}
