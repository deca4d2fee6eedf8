// Reads the text inputs of `kcompat why`: files, standard input, gzip files. Refuses what is not
// text (binary, empty, too large, unreadable) with a one-line UsageError.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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
