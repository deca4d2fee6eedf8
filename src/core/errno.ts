// Linux errno names, numbers and the strerror texts that runtimes print for them.
// Source: include/uapi/asm-generic/errno-base.h and errno.h (x86-64, arm64 and most
// architectures share these numbers); messages as glibc's strerror and Go's syscall package
// print them (Go lower-cases them: "no space left on device"), and where musl (Alpine and other
// static images) words them differently, musl's text too (src/errno/__strerror.h).

export interface Errno {
  name: string;
  number: number;
  message: string;
  /** The same errno in another C library's words (musl's "Resource busy" for EBUSY). */
  also?: readonly string[];
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
  { name: 'ENOMEM', number: 12, message: 'Cannot allocate memory', also: ['Out of memory'] },
  { name: 'EACCES', number: 13, message: 'Permission denied' },
  { name: 'EFAULT', number: 14, message: 'Bad address' },
  { name: 'EBUSY', number: 16, message: 'Device or resource busy', also: ['Resource busy'] },
  { name: 'EEXIST', number: 17, message: 'File exists' },
  { name: 'EXDEV', number: 18, message: 'Invalid cross-device link' },
  { name: 'ENODEV', number: 19, message: 'No such device' },
  { name: 'ENOTDIR', number: 20, message: 'Not a directory' },
  { name: 'EINVAL', number: 22, message: 'Invalid argument' },
  {
    name: 'EMFILE',
    number: 24,
    message: 'Too many open files',
    also: ['No file descriptors available'],
  },
  { name: 'ENOSPC', number: 28, message: 'No space left on device' },
  { name: 'EROFS', number: 30, message: 'Read-only file system' },
  { name: 'ERANGE', number: 34, message: 'Numerical result out of range' },
  { name: 'ENOSYS', number: 38, message: 'Function not implemented' },
  { name: 'ELOOP', number: 40, message: 'Too many levels of symbolic links' },
  // include/uapi/asm-generic/errno.h: 93; netlink's answer for a protocol no module registered.
  { name: 'EPROTONOSUPPORT', number: 93, message: 'Protocol not supported' },
  { name: 'EOPNOTSUPP', number: 95, message: 'Operation not supported', also: ['Not supported'] },
  { name: 'ENOTSUP', number: 95, message: 'Operation not supported', also: ['Not supported'] },
  // Kernel-internal (include/linux/errno.h), but BPF returns it to user space.
  { name: 'ENOTSUPP', number: 524, message: 'Unknown error 524' },
];

const byName = new Map(TABLE.map((errno) => [errno.name, errno]));
const byNumber = new Map<number, Errno>();
for (const errno of TABLE) if (!byNumber.has(errno.number)) byNumber.set(errno.number, errno);
/** Every text an errno is printed as: glibc's (and Go's) strerror, then other libraries'. */
const messagesOf = (errno: Errno): string[] => [errno.message, ...(errno.also ?? [])];
const byMessage = new Map<string, Errno>();
for (const errno of TABLE)
  for (const message of messagesOf(errno))
    if (!byMessage.has(message.toLowerCase())) byMessage.set(message.toLowerCase(), errno);

/**
 * Finds the errno a captured text stands for, in any spelling a front end prints: a name
 * ("ENOSPC", "-ENOSPC"), a strerror text in any case ("No space left on device"), or a number in
 * its wrapping ("-22", "err=28", "errno 1", "os error 1", "[Errno 1]", "Os { code: 1", "(-22)").
 */
export function lookupErrno(text: string): Errno | undefined {
  const trimmed = text.trim();
  const named = byName.get(trimmed.replace(/^-/, '').toUpperCase());
  if (named) return named;
  const byText = byMessage.get(trimmed.toLowerCase());
  if (byText) return byText;
  const numeric = /(\d{1,4})\D*$/.exec(trimmed);
  return numeric?.[1] ? byNumber.get(Number(numeric[1])) : undefined;
}

/**
 * A regex source (no capturing group) that matches each named errno in every spelling front ends
 * print: the name (EPERM, -EPERM), the strerror text in any case (Go prints it lower-case, glibc
 * capitalised), and the number where it is marked as an errno: errno 1, err=-1, code -1, ret=-22,
 * os error 1 (Rust), [Errno 1] (Python), Os { code: 1 (Rust's Debug), (-22) (libbpf). A bare
 * number is not an errno: "exit status 1" is not EPERM.
 */
export function errnoPattern(names: readonly string[]): string {
  const errnos = names.map((name) => {
    const errno = byName.get(name);
    if (!errno) throw new Error(`unknown errno ${name}`);
    return errno;
  });
  // One alternative per spelling, each covering every named errno: a handful of branches for
  // the regex engine however many errnos a signature names.
  const any = (items: readonly string[]) => {
    const unique = [...new Set(items)];
    return unique.length === 1 ? unique[0]! : `(?:${unique.join('|')})`;
  };
  const numbers = any(errnos.map((errno) => String(errno.number)));
  return `(?:${[
    `-?\\b${any(errnos.map((errno) => errno.name))}\\b`,
    any(errnos.flatMap((errno) => messagesOf(errno).map(caseless))),
    `\\b[Ee]rr(?:no)?\\s?[=:]?\\s?-?${numbers}\\b`,
    `\\b(?:[Ee]rror|[Cc]ode|ret(?:val)?|rc)\\s?[=:]?\\s?-${numbers}\\b`,
    `\\b[Oo]s error ${numbers}\\b`,
    `\\[Errno ${numbers}\\]`,
    `Os \\{ code: ${numbers}\\b`,
    `\\(-${numbers}\\)`,
  ].join('|')})`;
}

/** Every spelling errnoPattern accepts, as literal text: the test of every signature feeds them. */
export function errnoSpellings(name: string): string[] {
  const errno = byName.get(name);
  if (!errno) throw new Error(`unknown errno ${name}`);
  const n = errno.number;
  return [
    name,
    `-${name}`,
    errno.message,
    errno.message.toLowerCase(),
    errno.message.toUpperCase(),
    ...(errno.also ?? []),
    `errno ${n}`,
    `errno=${n}`,
    `errno: -${n}`,
    `err=-${n}`,
    `err -${n}`,
    `error -${n}`,
    `code -${n}`,
    `ret=-${n}`,
    `os error ${n}`,
    `[Errno ${n}]`,
    `Os { code: ${n}`,
    `(-${n})`,
  ];
}

/** A text matched in any letter case, without the i flag (the linear engine has none). */
function caseless(text: string): string {
  return text
    .split('')
    .map((char) => {
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      if (lower !== upper) return `[${lower}${upper}]`;
      return /[\\^$.*+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
    })
    .join('');
}

/** The names of every errno kcompat knows, for checks that a pattern spells one out. */
export function errnoNames(): string[] {
  return TABLE.map((errno) => errno.name);
}

/** Every errno's glibc strerror text, for the same checks. */
export function errnoMessages(): string[] {
  // glibc's texts only: musl's "Not supported" or "Out of memory" are also plain words that
  // fixed messages use ("kprobe_multi not supported"), which are not errnos spelled out.
  return [...new Set(TABLE.map((errno) => errno.message))];
}

export function errnoByNumber(number: number): Errno | undefined {
  return byNumber.get(number);
}

export function errnoByName(name: string): Errno | undefined {
  return byName.get(name);
}
