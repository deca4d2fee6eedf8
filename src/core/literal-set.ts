// Finds where any of a set of ASCII literals occurs in UTF-8 bytes, ignoring case (a literal
// with other characters is cut to an ASCII piece first: see longestAsciiPiece), in one pass
// that skips ahead: the Wu-Manber algorithm with three-byte blocks. With the shortest literal m
// bytes long, most positions are passed over m-2 bytes at a time, so a log with few candidate
// lines is searched without decoding it and at a fraction of a regex's cost. Bytes, not
// strings: the scanner searches what it read before any UTF-8 decoding, and decodes only the
// lines with a hit. Pure.

const BLOCK = 3;
const LANES = 4;
const NEWLINE = 0x0a;

/** ASCII letters folded to lower case; every other byte as it is. */
const FOLD = new Uint8Array(256).map((_, byte) => (byte >= 65 && byte <= 90 ? byte | 32 : byte));
/** Six bits of each folded byte: letters, digits and common punctuation stay distinct. */
const HASH_BITS = FOLD.map((byte) => byte & 0x3f);

function blockHash(bytes: Uint8Array, end: number): number {
  return (
    (HASH_BITS[bytes[end - 2]!]! << 12) |
    (HASH_BITS[bytes[end - 1]!]! << 6) |
    HASH_BITS[bytes[end]!]!
  );
}

/** Lower-cases ASCII letters only, as FOLD does to the text (toLowerCase would fold more). */
export function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/**
 * The longest piece of a literal between characters this search cannot fold (non-ASCII) and the
 * separators given: wherever the literal occurs, so does the piece.
 */
export function longestAsciiPiece(literal: string, separators?: RegExp): string {
  return literal
    .split(/[^\x00-\x7f]+/)
    .flatMap((piece) => (separators ? piece.split(separators) : [piece]))
    .reduce((best, piece) => (piece.length > best.length ? piece : best), '');
}

export class LiteralSet {
  private readonly shortest: number;
  private readonly shift: Uint8Array;
  /** Per block hash, the literals whose first `shortest` bytes end with that block. */
  private readonly candidates = new Map<number, { bytes: Uint8Array; text: string }[]>();
  /**
   * Hashes of the literals' first three bytes: at a block with shift 0, a start whose first
   * block is not among them is passed at once (most such blocks are common words, not a hit).
   */
  private readonly prefixes = new Uint8Array(1 << 18);

  constructor(literals: readonly string[]) {
    if (literals.some((literal) => /[^\x00-\x7f]/.test(literal)))
      throw new Error('LiteralSet literals must be ASCII (see longestAsciiPiece)');
    const folded = [...new Set(literals.map(asciiLowerCase))].map((text) => ({
      text,
      bytes: Buffer.from(text, 'latin1'),
    }));
    if (folded.length === 0 || folded.some(({ bytes }) => bytes.length < BLOCK))
      throw new Error('LiteralSet needs literals of at least three bytes');
    this.shortest = Math.min(...folded.map(({ bytes }) => bytes.length));
    const most = Math.min(255, this.shortest - BLOCK + 1);
    this.shift = new Uint8Array(1 << 18).fill(most);
    for (const literal of folded) {
      // Only the first `shortest` bytes of each literal take part in the shifts.
      for (let end = BLOCK - 1; end < this.shortest; end++) {
        const hash = blockHash(literal.bytes, end);
        const distance = this.shortest - 1 - end;
        if (distance < this.shift[hash]!) this.shift[hash] = distance;
        if (distance === 0)
          this.candidates.set(hash, [...(this.candidates.get(hash) ?? []), literal]);
      }
      this.prefixes[blockHash(literal.bytes, BLOCK - 1)] = 1;
    }
  }

  /** Offset where a literal starts in bytes[from, to), or -1. */
  find(bytes: Uint8Array, from = 0, to = bytes.length): number {
    const count = this.noteLane(bytes, from + this.shortest - 1, to, this.notedFor(to), 0);
    for (let k = 0; k < count; k++)
      if (this.literalsAt(bytes, this.noted[k]!, to).length > 0)
        return this.noted[k]! - (this.shortest - 1);
    return -1;
  }

  /**
   * Whether a literal occurs in a string. The string is written as Latin-1 into a scratch
   * buffer: the literals are ASCII, which Latin-1 keeps as it is, and a character it cannot
   * hold becomes some other byte, so no occurrence is lost (at worst one is found that UTF-8
   * would not have: a superset is all a prefilter needs).
   */
  occursIn(text: string): boolean {
    const length = this.latin1(text); // first: it may replace the scratch buffer
    return this.find(this.scratch, 0, length) >= 0;
  }

  /**
   * The literals (ASCII lower-cased, as LiteralSet keeps them) that occur in a string, each
   * once: one pass that tells a caller which of its literals to check exactly.
   */
  literalsIn(text: string): Set<string> {
    const to = this.latin1(text);
    const count = this.noteLane(this.scratch, this.shortest - 1, to, this.notedFor(to), 0);
    const found = new Set<string>();
    for (let k = 0; k < count; k++)
      for (const literal of this.literalsAt(this.scratch, this.noted[k]!, to)) found.add(literal);
    return found;
  }

  /** Writes a string into the scratch buffer as Latin-1 (see occursIn); returns its length. */
  private latin1(text: string): number {
    if (this.scratch.length < text.length) this.scratch = Buffer.allocUnsafe(text.length * 2);
    return this.scratch.write(text, 'latin1');
  }

  private scratch = Buffer.allocUnsafe(4096);

  /**
   * Offsets of literal occurrences in bytes, ascending: the first one of every line that holds
   * one. The bytes are cut into four lanes searched in one loop: each step of Wu-Manber waits on
   * the previous one's loads, and four independent chains keep the processor busy (about three
   * times the speed of one). The loop only notes candidate positions; they are checked after
   * it, so the loop calls nothing and its state stays in registers.
   */
  findLines(buffer: Buffer): number[] {
    // A plain Uint8Array view: element loads from a Buffer (a subclass) can be slower.
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    const length = bytes.length;
    const last = this.shortest - 1;
    const quarter = Math.floor(length / LANES);
    const noted = this.notedFor(length);
    // Lane i notes candidates that start in [i * quarter, (i + 1) * quarter) at noted[i * quarter
    // + k]: a lane has fewer candidates than bytes, so the lanes' slots never overlap.
    const stop = (lane: number) =>
      lane === LANES - 1 ? length : Math.min(length, (lane + 1) * quarter + last);
    const [stop0, stop1, stop2, stop3] = [stop(0), stop(1), stop(2), stop(3)];
    const shift = this.shift;
    const prefixes = this.prefixes;
    const back = last - (BLOCK - 1); // from a block's end to the end of the literal's first block
    let end0 = last;
    let end1 = quarter + last;
    let end2 = 2 * quarter + last;
    let end3 = 3 * quarter + last;
    let count0 = 0;
    let count1 = quarter;
    let count2 = 2 * quarter;
    let count3 = 3 * quarter;
    while (end0 < stop0 && end1 < stop1 && end2 < stop2 && end3 < stop3) {
      let distance0 = shift[blockHash(bytes, end0)]!;
      let distance1 = shift[blockHash(bytes, end1)]!;
      let distance2 = shift[blockHash(bytes, end2)]!;
      let distance3 = shift[blockHash(bytes, end3)]!;
      if ((distance0 && distance1 && distance2 && distance3) === 0) {
        if (distance0 === 0) {
          distance0 = 1;
          if (prefixes[blockHash(bytes, end0 - back)] !== 0) noted[count0++] = end0;
        }
        if (distance1 === 0) {
          distance1 = 1;
          if (prefixes[blockHash(bytes, end1 - back)] !== 0) noted[count1++] = end1;
        }
        if (distance2 === 0) {
          distance2 = 1;
          if (prefixes[blockHash(bytes, end2 - back)] !== 0) noted[count2++] = end2;
        }
        if (distance3 === 0) {
          distance3 = 1;
          if (prefixes[blockHash(bytes, end3 - back)] !== 0) noted[count3++] = end3;
        }
      }
      end0 += distance0;
      end1 += distance1;
      end2 += distance2;
      end3 += distance3;
    }
    count0 = this.noteLane(bytes, end0, stop0, noted, count0);
    count1 = this.noteLane(bytes, end1, stop1, noted, count1);
    count2 = this.noteLane(bytes, end2, stop2, noted, count2);
    count3 = this.noteLane(bytes, end3, stop3, noted, count3);
    const hits: number[] = [];
    let nextLine = 0; // a hit's line is done: later candidates on it are passed
    for (const [from, to] of [
      [0, count0],
      [quarter, count1],
      [2 * quarter, count2],
      [3 * quarter, count3],
    ] as const)
      for (let k = from; k < to; k++) {
        const end = noted[k]!;
        const start = end - last;
        if (start < nextLine || this.literalsAt(bytes, end, length).length === 0) continue;
        hits.push(start);
        const newline = buffer.indexOf(NEWLINE, start);
        nextLine = newline < 0 ? length : newline + 1;
      }
    return hits;
  }

  /** Candidates are noted here (grown to the largest block). */
  private noted = new Int32Array(0);

  /** The buffer for the candidates of `length` bytes: fewer than one per byte. */
  private notedFor(length: number): Int32Array {
    if (this.noted.length < length + LANES) this.noted = new Int32Array(length + LANES);
    return this.noted;
  }

  /** One lane, one step at a time: notes candidate ends from `end` while end < stop. */
  private noteLane(
    bytes: Uint8Array,
    end: number,
    stop: number,
    noted: Int32Array,
    count: number,
  ): number {
    const back = this.shortest - BLOCK;
    while (end < stop) {
      const distance = this.shift[blockHash(bytes, end)]!;
      if (distance > 0) end += distance;
      else {
        if (this.prefixes[blockHash(bytes, end - back)] !== 0) noted[count++] = end;
        end++;
      }
    }
    return count;
  }

  /** The literals that start where the block ending at `end` ends their first `shortest` bytes. */
  private literalsAt(bytes: Uint8Array, end: number, to: number): readonly string[] {
    const start = end - (this.shortest - 1);
    let found: string[] | undefined; // allocated only on a hit: most candidates are not one
    for (const literal of this.candidates.get(blockHash(bytes, end)) ?? [])
      if (matchesAt(bytes, start, to, literal.bytes)) (found ??= []).push(literal.text);
    return found ?? NONE;
  }
}

const NONE: readonly string[] = [];

function matchesAt(bytes: Uint8Array, start: number, to: number, literal: Uint8Array): boolean {
  if (start + literal.length > to) return false;
  for (let i = 0; i < literal.length; i++) if (FOLD[bytes[start + i]!] !== literal[i]) return false;
  return true;
}
