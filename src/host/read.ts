// Read-only file access under a host root ("/" live, a fake tree in tests). Failures come back as
// values with the reason, never as exceptions: a probe that cannot read something records it
// as unknown.
import { accessSync, constants, statSync } from 'node:fs';
import { readBoundedSync } from '../io/bounded-read.js';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/** Bounded: proc and sys files are small; a huge one is not what we expect to read. */
const MAX_HOST_FILE = 16 * 1024 * 1024;

export class HostFs {
  constructor(readonly root: string = '/') {}

  path(path: string): string {
    return this.root === '/' ? path : join(this.root, path);
  }

  read(path: string): ReadResult {
    // Bounded by what is read: under a host tree, a "file" may be a device that never ends or a
    // FIFO that never opens (src/io/bounded-read.ts).
    const read = readBoundedSync(this.path(path), MAX_HOST_FILE);
    if (!read.ok) return { ok: false, reason: `${path}: ${describeCode(read.reason)}` };
    try {
      const data = path.endsWith('.gz')
        ? gunzipSync(read.data, { maxOutputLength: MAX_HOST_FILE })
        : read.data;
      return { ok: true, text: data.toString('utf8') };
    } catch (error) {
      return { ok: false, reason: `${path}: ${describeError(error)}` };
    }
  }

  /** The trimmed contents, or undefined. */
  text(path: string): string | undefined {
    const result = this.read(path);
    return result.ok ? result.text.trim() : undefined;
  }

  exists(path: string): boolean {
    try {
      statSync(this.path(path));
      return true;
    } catch {
      return false;
    }
  }

  mode(path: string): number | undefined {
    try {
      return statSync(this.path(path)).mode & 0o7777;
    } catch {
      return undefined;
    }
  }

  canAccess(path: string, mode = constants.R_OK | constants.X_OK): boolean | string {
    try {
      accessSync(this.path(path), mode);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'EACCES' || code === 'EPERM' ? false : describeError(error);
    }
  }
}

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? (error as Error).message : describeCode(code);
}

/** An error code (or a reason in words) as a probe's unknown fact says it. */
function describeCode(code: string): string {
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return `not readable (${code})`;
  if (code.startsWith('Z_')) return `not valid gzip data (${code})`;
  if (code.startsWith('more than')) return `larger than expected (${code})`;
  return code;
}
