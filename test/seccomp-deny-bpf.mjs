// Preloaded with `node --import` by test/faults.test.ts: installs a seccomp filter on every
// thread of this Node process that makes bpf(2) fail with the errno in KCOMPAT_TEST_BPF_ERRNO
// (EPERM by default), as container runtimes' default profiles and sandboxes do; then the real
// kcompat runs under it. x86-64 only (the syscall numbers and the audit arch below).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const koffi = require('koffi');
const libc = koffi.load('libc.so.6');
const prctl = libc.func(
  'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)',
);
const syscall = libc.func('long syscall(long number, long op, long flags, void *prog)');

const SYS_SECCOMP = 317;
const SYS_BPF = 321;
const AUDIT_ARCH_X86_64 = 0xc000003e;
const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
// Classic BPF opcodes (include/uapi/linux/filter.h): ld word abs, jeq imm, ret imm.
const LD_ABS = 0x20;
const JEQ = 0x15;
const RET = 0x06;

const errno = Number(process.env.KCOMPAT_TEST_BPF_ERRNO ?? 1);
// struct seccomp_data: nr at offset 0, arch at offset 4.
const program = [
  [LD_ABS, 0, 0, 4],
  [JEQ, 1, 0, AUDIT_ARCH_X86_64],
  [RET, 0, 0, SECCOMP_RET_ALLOW],
  [LD_ABS, 0, 0, 0],
  [JEQ, 0, 1, SYS_BPF],
  [RET, 0, 0, SECCOMP_RET_ERRNO | errno],
  [RET, 0, 0, SECCOMP_RET_ALLOW],
];
const filter = Buffer.alloc(program.length * 8);
program.forEach(([code, jt, jf, k], index) => {
  filter.writeUInt16LE(code, index * 8);
  filter.writeUInt8(jt, index * 8 + 2);
  filter.writeUInt8(jf, index * 8 + 3);
  filter.writeUInt32LE(k >>> 0, index * 8 + 4);
});
const fprog = Buffer.alloc(16); // struct sock_fprog: u16 len, then the pointer at offset 8
fprog.writeUInt16LE(program.length, 0);
fprog.writeBigUInt64LE(BigInt(koffi.address(filter)), 8);

if (process.arch !== 'x64') throw new Error('seccomp-deny-bpf.mjs supports x86-64 only');
if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) throw new Error(`prctl: errno ${koffi.errno()}`);
if (Number(syscall(SYS_SECCOMP, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, fprog)) !== 0)
  throw new Error(`seccomp: errno ${koffi.errno()}`);
