// The bpf(2) system call from Node, through libc's syscall() via the koffi FFI library.
// Loaded lazily: only commands that probe BPF pay for it.
import { createRequire } from 'node:module';

/** bpf(2) command numbers, include/uapi/linux/bpf.h `enum bpf_cmd`. */
export const BPF_CMD = {
  MAP_CREATE: 0,
  PROG_LOAD: 5,
  BTF_LOAD: 18,
  LINK_CREATE: 28,
  TOKEN_CREATE: 36,
} as const;

// __NR_bpf per architecture (arch/*/include/uapi/asm/unistd*.h; the generic table for arm64,
// riscv64 and loongarch64).
const BPF_SYSCALL_NUMBER: Partial<Record<NodeJS.Architecture, number>> = {
  x64: 321,
  ia32: 357,
  arm64: 280,
  arm: 386,
  riscv64: 280,
  loong64: 280,
  s390x: 351,
  ppc64: 361,
};

export interface SyscallResult {
  /** The return value: a file descriptor or 0 on success, -1 on failure. */
  ret: number;
  /** errno when ret is -1, else 0. */
  errno: number;
}

export interface BpfSyscall {
  bpf(cmd: number, attr: Buffer): SyscallResult;
  close(fd: number): void;
  /** The address of a buffer, for pointer fields inside bpf_attr. */
  address(buffer: Buffer): bigint;
}

let cached: BpfSyscall | Error | undefined;

/** Binds bpf(2), or returns why it cannot (no koffi, no libc, an unknown architecture). */
export function openBpfSyscall(): BpfSyscall | Error {
  if (cached) return cached;
  const number = BPF_SYSCALL_NUMBER[process.arch];
  if (process.platform !== 'linux' || number === undefined) {
    cached = new Error(`bpf(2) is not available on ${process.platform}/${process.arch}`);
    return cached;
  }
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    const syscall = libc.func('long syscall(long number, long cmd, void *attr, uint32 size)');
    const closeFd = libc.func('int close(int fd)');
    cached = {
      bpf(cmd, attr) {
        const ret = Number(syscall(number, cmd, attr, attr.length));
        return { ret, errno: ret < 0 ? koffi.errno() : 0 };
      },
      close(fd) {
        if (fd >= 0) closeFd(fd);
      },
      address(buffer) {
        return koffi.address(buffer) as bigint;
      },
    };
  } catch (error) {
    cached = new Error(`cannot call bpf(2): ${(error as Error).message}`);
  }
  return cached;
}
