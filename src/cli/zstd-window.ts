// Walks the frames of a zstd stream as it arrives, before it is decompressed, to refuse a frame
// whose window the decompressor would have to allocate beyond the memory bound: fzstd allocates
// each frame's whole window up front, and a header may claim up to 2 GiB (zstd --long=31, or a
// patched header). Only headers are read: block contents are skipped by their sizes.
// Format: RFC 8878, section 3.1 (frames, frame header, blocks, skippable frames).

/** The largest window decoded: zstd's levels up to 19 use at most 8 MiB, --ultra -22 128 MiB. */
export const MAX_ZSTD_WINDOW = 32 << 20;

const ZSTD_MAGIC = 0xfd2fb528;
const BLOCK_HEADER = 3;

export class ZstdWindowError extends Error {}

type State =
  | { kind: 'magic' }
  | { kind: 'frame-header'; need: number }
  | { kind: 'block-header' }
  | { kind: 'skip'; left: number; then: 'block-header' | 'magic' }
  | { kind: 'skippable-size' };

export class ZstdWindowGuard {
  private state: State = { kind: 'magic' };
  private pending: number[] = [];
  private checksum = false;
  frames = 0;

  /** Checks the frame headers in this chunk; throws ZstdWindowError for a window over the bound. */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const state = this.state;
      if (state.kind === 'skip') {
        const take = Math.min(state.left, chunk.length - at);
        at += take;
        state.left -= take;
        if (state.left === 0) this.state = { kind: state.then };
        continue;
      }
      this.pending.push(chunk[at++]!);
      const got = this.pending.length;
      if (state.kind === 'magic' && got === 4) {
        const magic =
          (this.pending[0]! |
            (this.pending[1]! << 8) |
            (this.pending[2]! << 16) |
            (this.pending[3]! << 24)) >>>
          0;
        this.pending = [];
        if (magic === ZSTD_MAGIC) this.state = { kind: 'frame-header', need: 1 };
        else if ((magic & 0xfffffff0) === 0x184d2a50) this.state = { kind: 'skippable-size' };
        else throw new ZstdWindowError(`not a zstd frame at frame ${this.frames + 1}`);
      } else if (state.kind === 'skippable-size' && got === 4) {
        const size =
          this.pending[0]! |
          (this.pending[1]! << 8) |
          (this.pending[2]! << 16) |
          (this.pending[3]! << 24);
        this.pending = [];
        this.state =
          size === 0 ? { kind: 'magic' } : { kind: 'skip', left: size >>> 0, then: 'magic' };
      } else if (state.kind === 'frame-header') {
        if (got === 1) state.need = frameHeaderSize(this.pending[0]!);
        if (got === state.need) this.readFrameHeader();
      } else if (state.kind === 'block-header' && got === BLOCK_HEADER) {
        const header = this.pending[0]! | (this.pending[1]! << 8) | (this.pending[2]! << 16);
        this.pending = [];
        const last = (header & 1) === 1;
        const type = (header >> 1) & 3;
        if (type === 3) throw new ZstdWindowError(`a reserved block type in frame ${this.frames}`);
        const size = type === 1 ? 1 : header >>> 3; // RLE blocks hold one byte
        const after = last ? (this.checksum ? 4 : 0) : 0;
        const then = last ? 'magic' : 'block-header';
        const skip = size + after;
        this.state = skip === 0 ? { kind: then } : { kind: 'skip', left: skip, then };
      }
    }
  }

  private readFrameHeader(): void {
    const header = this.pending;
    this.pending = [];
    this.frames++;
    const descriptor = header[0]!;
    const singleSegment = (descriptor >> 5) & 1;
    const contentSizeFlag = descriptor >> 6;
    const dictionaryFlag = descriptor & 3;
    this.checksum = ((descriptor >> 2) & 1) === 1;
    let at = 1;
    let window: number;
    if (singleSegment) {
      // The window is the content size (Frame_Content_Size, after the dictionary id).
      at += [0, 1, 2, 4][dictionaryFlag]!;
      const size = [1, 2, 4, 8][contentSizeFlag]!;
      let content = 0;
      for (let index = size - 1; index >= 0; index--) content = content * 256 + header[at + index]!;
      window = size === 2 ? content + 256 : content;
    } else {
      const exponent = header[1]! >> 3;
      const mantissa = header[1]! & 7;
      const base = 2 ** (10 + exponent);
      window = base + (base / 8) * mantissa;
    }
    if (window > MAX_ZSTD_WINDOW)
      throw new ZstdWindowError(
        `frame ${this.frames} needs a ${formatMiB(window)} window (zstd --long or --ultra); at most ${formatMiB(MAX_ZSTD_WINDOW)} is decoded here: decompress it first (zstd -d --long=31)`,
      );
    this.state = { kind: 'block-header' };
  }
}

/** Bytes of the frame header, from its descriptor byte (RFC 8878 3.1.1.1). */
function frameHeaderSize(descriptor: number): number {
  const singleSegment = (descriptor >> 5) & 1;
  const contentSizeFlag = descriptor >> 6;
  const contentSize = contentSizeFlag === 0 ? singleSegment : [0, 2, 4, 8][contentSizeFlag]!;
  return 1 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3]! + contentSize;
}

function formatMiB(bytes: number): string {
  return bytes >= 1 << 20 ? `${Math.round(bytes / (1 << 20))} MiB` : `${bytes} bytes`;
}
