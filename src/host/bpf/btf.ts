// Finds a function's type id in the kernel's BTF (/sys/kernel/btf/vmlinux), which fentry/fexit
// programs need as attach_btf_id. Format: Documentation/bpf/btf.rst (a header, then types, each
// a 12-byte btf_type followed by kind-specific data, then the string section).
import { readBoundedSync } from '../../io/bounded-read.js';
import { endianness } from 'node:os';

const BTF_KIND_FUNC = 12;
const MAX_BTF_BYTES = 64 << 20;

// Bytes that follow the 12-byte btf_type, by kind (vlen = number of members/params/values).
function extraBytes(kind: number, vlen: number): number {
  switch (kind) {
    case 1: // INT
    case 14: // VAR
    case 17: // DECL_TAG
      return 4;
    case 3: // ARRAY
      return 12;
    case 4: // STRUCT
    case 5: // UNION
    case 15: // DATASEC
    case 19: // ENUM64
      return 12 * vlen;
    case 6: // ENUM
    case 13: // FUNC_PROTO
      return 8 * vlen;
    default: // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
      return 0;
  }
}

/** The BTF type id of a FUNC named by the earliest possible entry of `names`, or undefined. */
export function findFuncTypeId(
  names: readonly string[],
  path = '/sys/kernel/btf/vmlinux',
): number | undefined {
  // vmlinux BTF is a few MiB; a bound keeps a device or a FIFO at this path from hanging the probe.
  const read = readBoundedSync(path, MAX_BTF_BYTES);
  if (!read.ok) return undefined;
  const data = read.data;
  const little = endianness() === 'LE';
  const u32 = (offset: number) => (little ? data.readUInt32LE(offset) : data.readUInt32BE(offset));
  if (data.length < 24 || (little ? data.readUInt16LE(0) : data.readUInt16BE(0)) !== 0xeb9f)
    return undefined;
  const headerLength = u32(4);
  const typeStart = headerLength + u32(8);
  const typeEnd = typeStart + u32(12);
  const stringStart = headerLength + u32(16);
  // Find each wanted name in the string section once, then compare name offsets while walking
  // the types: decoding every type's name would dominate the probe's run time.
  const stringEnd = stringStart + u32(20);
  const wanted = new Map<number, number>(); // name offset -> preference (index in names)
  names.forEach((name, preference) => {
    const needle = Buffer.from(`\0${name}\0`, 'latin1');
    for (let at = data.indexOf(needle, stringStart); at >= 0 && at < stringEnd;) {
      wanted.set(at + 1 - stringStart, preference);
      at = data.indexOf(needle, at + 1);
    }
  });
  if (wanted.size === 0) return undefined;
  let best: { id: number; preference: number } | undefined;
  let id = 1;
  for (let offset = typeStart; offset + 12 <= typeEnd; id++) {
    const info = u32(offset + 4);
    const kind = (info >>> 24) & 0x1f;
    if (kind === BTF_KIND_FUNC) {
      const preference = wanted.get(u32(offset));
      if (preference !== undefined && (best === undefined || preference < best.preference)) {
        best = { id, preference };
        if (preference === 0) break;
      }
    }
    offset += 12 + extraBytes(kind, info & 0xffff);
  }
  return best?.id;
}
