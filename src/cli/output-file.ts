// -o FILE: the report is written to a temporary file in FILE's directory, then renamed over FILE,
// so a reader sees the old file or the whole new one, never a part. A signal that arrives while
// it is written is held until the rename is done (or the temporary file removed), then acted on.
// Only a regular file (or a name not yet taken) is replaced: a device, a FIFO or a socket
// (/dev/null, /dev/stdout, a pipe) is written to as it is, since renaming over it would replace
// /dev/null with a regular file when run as root. A symbolic link stays a link: the file it points
// to is replaced.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const HELD_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Writes `text` to `target`; throws the system error (ENOENT, EACCES, EISDIR, ENOSPC). */
export function writeFileAtomic(target: string, text: string): void {
  let path = target;
  // An existing file keeps its permissions, as a shell's `>` keeps them.
  let mode: number | undefined;
  try {
    path = realpathSync(target);
    const stat = statSync(path);
    if (stat.isFile()) mode = stat.mode & 0o7777;
    else if (!stat.isDirectory()) {
      writeWhole(path, 'w', text);
      return;
    }
  } catch (error) {
    // Not there yet: it is created (the umask decides its mode). Any other error is the answer.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const held: NodeJS.Signals[] = [];
  const hold = (signal: NodeJS.Signals) => held.push(signal);
  for (const signal of HELD_SIGNALS) process.on(signal, hold);
  try {
    writeWhole(temporary, 'wx', text, mode);
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created, or already renamed.
    }
    throw error;
  } finally {
    // A signal received during the synchronous work above reaches `hold` when the event loop next
    // polls (libuv reads it from a pipe): an immediate queued from an immediate runs after that
    // poll, and only then are the handlers removed and the signal acted on.
    setImmediate(() =>
      setImmediate(() => {
        for (const signal of HELD_SIGNALS) process.off(signal, hold);
        if (held.length > 0) process.kill(process.pid, held[0]);
      }),
    );
  }
}

/** Opens, writes every byte, syncs a new file (a device or FIFO is not synced), closes. */
function writeWhole(path: string, flags: 'w' | 'wx', text: string, mode?: number): void {
  const fd = openSync(path, flags, 0o666);
  try {
    if (mode !== undefined) fchmodSync(fd, mode);
    const data = Buffer.from(text, 'utf8');
    for (let written = 0; written < data.length;)
      written += writeSync(fd, data, written, data.length - written);
    if (flags === 'wx') fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
