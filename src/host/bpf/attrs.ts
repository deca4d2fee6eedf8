// Encodes the few BPF instructions and bpf_attr layouts the probes need.
// Layouts: include/uapi/linux/bpf.h (union bpf_attr), little- or big-endian as the host is.
import { endianness } from 'node:os';
import type { BpfSyscall } from './syscall.js';

const LITTLE = endianness() === 'LE';

/** One 8-byte instruction: opcode, dst/src registers, 16-bit offset, 32-bit immediate. */
function insn(code: number, dst: number, src: number, off: number, imm: number): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeUInt8(code, 0);
  buffer.writeUInt8(LITTLE ? (src << 4) | dst : (dst << 4) | src, 1);
  if (LITTLE) {
    buffer.writeInt16LE(off, 2);
    buffer.writeInt32LE(imm, 4);
  } else {
    buffer.writeInt16BE(off, 2);
    buffer.writeInt32BE(imm, 4);
  }
  return buffer;
}

// Opcodes (include/uapi/linux/bpf_common.h, bpf.h).
export const movImm = (dst: number, imm: number) => insn(0xb7, dst, 0, 0, imm); // BPF_ALU64|BPF_MOV|BPF_K
export const addImm = (dst: number, imm: number) => insn(0x07, dst, 0, 0, imm); // BPF_ALU64|BPF_ADD|BPF_K
export const jltImm = (dst: number, imm: number, off: number) => insn(0xa5, dst, 0, off, imm); // BPF_JMP|BPF_JLT|BPF_K
export const call = (helper: number) => insn(0x85, 0, 0, 0, helper); // BPF_JMP|BPF_CALL
export const exit = () => insn(0x95, 0, 0, 0, 0); // BPF_JMP|BPF_EXIT

/** `r0 = 0; exit`: the smallest valid program. */
export const RETURN_ZERO = [movImm(0, 0), exit()];

/** A little-endian or big-endian writer over a zeroed bpf_attr. */
export class Attr {
  readonly buffer: Buffer;
  constructor(size: number) {
    this.buffer = Buffer.alloc(size);
  }
  u32(offset: number, value: number): this {
    if (LITTLE) this.buffer.writeUInt32LE(value >>> 0, offset);
    else this.buffer.writeUInt32BE(value >>> 0, offset);
    return this;
  }
  u64(offset: number, value: bigint): this {
    if (LITTLE) this.buffer.writeBigUInt64LE(value, offset);
    else this.buffer.writeBigUInt64BE(value, offset);
    return this;
  }
  readU32(offset: number): number {
    return LITTLE ? this.buffer.readUInt32LE(offset) : this.buffer.readUInt32BE(offset);
  }
}

export interface ProgLoadSpec {
  type: number;
  insns: Buffer[];
  expectedAttachType?: number;
  kernVersion?: number;
  attachBtfId?: number;
  license?: string;
  log?: { level: number; size: number };
}

export interface ProgLoadResult {
  fd: number;
  errno: number;
  log: string;
  /** log_true_size as the kernel reported it (0 when the kernel predates it, 6.4). */
  logTrueSize: number;
}

// Offsets in the BPF_PROG_LOAD part of union bpf_attr.
const PROG_LOAD_ATTR_SIZE = 148; // up to and including prog_token_fd (6.9); zero tail is fine on older kernels
const OFF = {
  progType: 0,
  insnCnt: 4,
  insns: 8,
  license: 16,
  logLevel: 24,
  logSize: 28,
  logBuf: 32,
  kernVersion: 40,
  expectedAttachType: 68,
  attachBtfId: 108,
  logTrueSize: 140,
};

/** BPF_PROG_LOAD; the caller closes the fd. Buffers stay referenced until the call returns. */
export function loadProgram(sys: BpfSyscall, spec: ProgLoadSpec): ProgLoadResult {
  const code = Buffer.concat(spec.insns);
  const license = Buffer.from(`${spec.license ?? 'GPL'}\0`);
  const logBuf = spec.log ? Buffer.alloc(spec.log.size) : undefined;
  const attr = new Attr(PROG_LOAD_ATTR_SIZE)
    .u32(OFF.progType, spec.type)
    .u32(OFF.insnCnt, spec.insns.length)
    .u64(OFF.insns, sys.address(code))
    .u64(OFF.license, sys.address(license))
    .u32(OFF.kernVersion, spec.kernVersion ?? 0)
    .u32(OFF.expectedAttachType, spec.expectedAttachType ?? 0)
    .u32(OFF.attachBtfId, spec.attachBtfId ?? 0);
  if (spec.log && logBuf) {
    attr
      .u32(OFF.logLevel, spec.log.level)
      .u32(OFF.logSize, spec.log.size)
      .u64(OFF.logBuf, sys.address(logBuf));
  }
  const { ret, errno } = sys.bpf(5, attr.buffer);
  const log = logBuf ? logBuf.subarray(0, Math.max(0, logBuf.indexOf(0))).toString('utf8') : '';
  return { fd: ret, errno, log, logTrueSize: attr.readU32(OFF.logTrueSize) };
}

export interface MapCreateSpec {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  innerMapFd?: number;
  btfFd?: number;
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
  btfVmlinuxValueTypeId?: number;
}

const MAP_CREATE_ATTR_SIZE = 80;

/** BPF_MAP_CREATE; the caller closes the fd. */
export function createMap(sys: BpfSyscall, spec: MapCreateSpec): { fd: number; errno: number } {
  const attr = new Attr(MAP_CREATE_ATTR_SIZE)
    .u32(0, spec.type)
    .u32(4, spec.keySize)
    .u32(8, spec.valueSize)
    .u32(12, spec.maxEntries)
    .u32(16, spec.flags ?? 0)
    .u32(20, spec.innerMapFd ?? 0)
    .u32(48, spec.btfFd ?? 0)
    .u32(52, spec.btfKeyTypeId ?? 0)
    .u32(56, spec.btfValueTypeId ?? 0)
    .u32(60, spec.btfVmlinuxValueTypeId ?? 0);
  const { ret, errno } = sys.bpf(0, attr.buffer);
  return { fd: ret, errno };
}

/**
 * Loads a minimal BTF blob with one type, `int` (4 bytes, signed): enough for the key and value
 * type ids that local-storage maps require. Format: Documentation/bpf/btf.rst.
 */
export function loadIntBtf(sys: BpfSyscall): { fd: number; errno: number } {
  const strings = Buffer.from('\0int\0');
  const types = new Attr(16)
    .u32(0, 1) // name_off: "int"
    .u32(4, 1 << 24) // info: kind BTF_KIND_INT (1), vlen 0
    .u32(8, 4) // size
    .u32(12, (1 << 24) | 32); // encoding BTF_INT_SIGNED, offset 0, 32 bits
  // btf_header: magic, version 1, flags 0, hdr_len, then type and string section offsets/lengths.
  const header = new Attr(24);
  if (LITTLE) header.buffer.writeUInt16LE(0xeb9f, 0);
  else header.buffer.writeUInt16BE(0xeb9f, 0);
  header.buffer.writeUInt8(1, 2);
  header
    .u32(4, 24)
    .u32(8, 0)
    .u32(12, types.buffer.length)
    .u32(16, types.buffer.length)
    .u32(20, strings.length);
  const blob = Buffer.concat([header.buffer, types.buffer, strings]);
  const attr = new Attr(32).u64(0, sys.address(blob)).u32(16, blob.length); // btf, btf_log_buf(0), btf_size
  const { ret, errno } = sys.bpf(18, attr.buffer);
  return { fd: ret, errno };
}
