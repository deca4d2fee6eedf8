// -o FILE: the report is written to a temporary file in FILE's directory, then renamed over FILE,
// so a reader sees the old file or the whole new one, never a part. A signal that arrives while
// it is written is held until the rename is done (or the temporary file removed), then acted on.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Writes `text` to `path` atomically; throws the system error (ENOENT, EACCES, EISDIR, ENOSPC). */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals) => held.push(signal);
  for (const signal of HELD_SIGNALS) process.on(signal, hold);
  try {
    // An existing file keeps its permissions, as a shell's `>` keeps them.
    let mode: number | undefined;
    try {
      const stat = statSync(path);
      if (stat.isFile()) mode = stat.mode & 0o7777;
    } catch {
      // No file yet: the umask decides, as for any new file.
    }
    const fd = openSync(temporary, 'wx', 0o666);
    try {
      if (mode !== undefined) fchmodSync(fd, mode);
      const data = Buffer.from(text, 'utf8');
      for (let written = 0; written < data.length;)
        written += writeSync(fd, data, written, data.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    throw error;
  } finally {
    // A signal received during the synchronous work above is delivered to `hold` on the next
    // turn of the event loop; only then are the handlers removed and the signal acted on.
    setImmediate(() => {
      for (const signal of HELD_SIGNALS) process.off(signal, hold);
      if (held.length > 0) process.kill(process.pid, held[0]);
    });
  }
}
