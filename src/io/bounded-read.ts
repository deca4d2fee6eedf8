// Reads a small file (a knowledge-base entry, a facts file, a /proc or /sys file under a host
// root) bounded by what is actually read, not by stat().size: a character device (/dev/zero)
// reports size 0 and never ends, a sparse file reports a size it does not hold, a /proc file
// reports 0 and holds text. A FIFO is opened without blocking, so one with no writer cannot
// hang the process; callers say whether a stream (a FIFO, a socket) is acceptable at all.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export type BoundedRead = { ok: true; data: Buffer } | { ok: false; reason: string };

const CHUNK = 64 * 1024;

/** What kind of file the descriptor is, in words, when it is not a regular file or a device. */
function streamKind(fd: number): string | null {
  const stat = fstatSync(fd);
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return null;
}

function tooLarge(maxBytes: number): BoundedRead {
  return { ok: false, reason: `more than ${formatLimit(maxBytes)}` };
}

function formatLimit(bytes: number): string {
  return bytes >= 1 << 20 ? `${bytes / (1 << 20)} MiB` : `${bytes} bytes`;
}

function failure(error: unknown): BoundedRead {
  const code = (error as NodeJS.ErrnoException).code;
  return { ok: false, reason: code ?? (error as Error).message };
}

/**
 * At most maxBytes of a regular file or a device; a FIFO, socket or directory is refused. A
 * device with nothing more to give now (EAGAIN) ends there.
 */
export function readBoundedSync(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return failure(error);
  }
  try {
    const kind = streamKind(fd);
    if (kind) return { ok: false, reason: `${kind}, not a file` };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      let bytes: number;
      try {
        bytes = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw error;
      }
      if (bytes === 0) break;
      chunks.push(buffer.subarray(0, bytes));
      total += bytes;
      if (total > maxBytes) return tooLarge(maxBytes);
    }
    return { ok: true, data: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    closeSync(fd);
  }
}

/**
 * At most maxBytes of a file, a device, or a FIFO (`--facts <(kcompat probe --format json)`):
 * a FIFO is polled without blocking until its writer closes it, for at most timeoutMs.
 */
export async function readBounded(
  path: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<BoundedRead> {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return failure(error);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, reason: 'a directory, not a file' };
    if (!stat.isFIFO() && !stat.isSocket()) {
      closeSync(fd);
      fd = -1;
      return readBoundedSync(path, maxBytes);
    }
    const deadline = Date.now() + timeoutMs;
    const chunks: Buffer[] = [];
    let total = 0;
    let wroteOnce = false;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      let bytes: number;
      try {
        bytes = readSync(fd, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        if (Date.now() > deadline)
          return { ok: false, reason: `still open after ${timeoutMs / 1000} s` };
        await sleep(10);
        continue;
      }
      // A FIFO opened before its writer reads 0 bytes until the writer comes: wait for one.
      if (bytes === 0) {
        if (wroteOnce || Date.now() > deadline) break;
        await sleep(10);
        continue;
      }
      wroteOnce = true;
      chunks.push(buffer.subarray(0, bytes));
      total += bytes;
      if (total > maxBytes) return tooLarge(maxBytes);
    }
    return { ok: true, data: Buffer.concat(chunks, total) };
  } catch (error) {
    return failure(error);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}
