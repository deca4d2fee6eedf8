// Linux errno names, numbers and the strerror texts that runtimes print for them.
// Source: include/uapi/asm-generic/errno-base.h and errno.h (x86-64, arm64 and most
// architectures share these numbers); messages as glibc's strerror and Go's syscall package
// print them (Go lower-cases them: "no space left on device").

export interface Errno {
  name: string;
  number: number;
  message: string;
}

const TABLE: readonly Errno[] = [
  { name: 'EPERM', number: 1, message: 'Operation not permitted' },
  { name: 'ENOENT', number: 2, message: 'No such file or directory' },
  { name: 'ESRCH', number: 3, message: 'No such process' },
  { name: 'EINTR', number: 4, message: 'Interrupted system call' },
  { name: 'EIO', number: 5, message: 'Input/output error' },
  { name: 'E2BIG', number: 7, message: 'Argument list too long' },
  { name: 'EBADF', number: 9, message: 'Bad file descriptor' },
  { name: 'EAGAIN', number: 11, message: 'Resource temporarily unavailable' },
  { name: 'ENOMEM', number: 12, message: 'Cannot allocate memory' },
  { name: 'EACCES', number: 13, message: 'Permission denied' },
  { name: 'EFAULT', number: 14, message: 'Bad address' },
  { name: 'EBUSY', number: 16, message: 'Device or resource busy' },
  { name: 'EEXIST', number: 17, message: 'File exists' },
  { name: 'EXDEV', number: 18, message: 'Invalid cross-device link' },
  { name: 'ENODEV', number: 19, message: 'No such device' },
  { name: 'ENOTDIR', number: 20, message: 'Not a directory' },
  { name: 'EINVAL', number: 22, message: 'Invalid argument' },
  { name: 'EMFILE', number: 24, message: 'Too many open files' },
  { name: 'ENOSPC', number: 28, message: 'No space left on device' },
  { name: 'EROFS', number: 30, message: 'Read-only file system' },
  { name: 'ERANGE', number: 34, message: 'Numerical result out of range' },
  { name: 'ENOSYS', number: 38, message: 'Function not implemented' },
  { name: 'ELOOP', number: 40, message: 'Too many levels of symbolic links' },
  { name: 'EOPNOTSUPP', number: 95, message: 'Operation not supported' },
  { name: 'ENOTSUP', number: 95, message: 'Operation not supported' },
  // Kernel-internal (include/linux/errno.h), but BPF returns it to user space.
  { name: 'ENOTSUPP', number: 524, message: 'Unknown error 524' },
];

const byName = new Map(TABLE.map((errno) => [errno.name, errno]));
const byNumber = new Map<number, Errno>();
for (const errno of TABLE) if (!byNumber.has(errno.number)) byNumber.set(errno.number, errno);
const byMessage = new Map(TABLE.map((errno) => [errno.message.toLowerCase(), errno]));

/**
 * Finds the errno a captured text stands for: a name ("ENOSPC"), a number as libbpf prints it
 * ("-22", "err=28"), or a strerror text in either case ("No space left on device").
 */
export function lookupErrno(text: string): Errno | undefined {
  const trimmed = text.trim();
  const named = byName.get(trimmed.toUpperCase());
  if (named) return named;
  const numeric = trimmed.match(/^-?(\d{1,4})$/);
  if (numeric?.[1]) return byNumber.get(Number(numeric[1]));
  return byMessage.get(trimmed.toLowerCase());
}

export function errnoByNumber(number: number): Errno | undefined {
  return byNumber.get(number);
}

export function errnoByName(name: string): Errno | undefined {
  return byName.get(name);
}
