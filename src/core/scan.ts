// Turns a raw log line into logical lines and matches one signature on a line or a window of
// lines (the streaming scanner, src/core/log-scanner.ts, decides which).
//
// Error texts arrive wrapped: containerd and Tetragon quote messages with escaped newlines
// and quotes (msg="bpf create `0: (61) ...\n1: ...`: No space left on device"), and kubelet
// events may escape twice. A line with such escapes is unescaped and split into logical lines
// that keep the number of the line they came from, so one pattern serves raw and quoted forms.
import type { CompiledSignature } from '../kb/load.js';
import { lookupErrno, errnoByName } from './errno.js';

export interface SignatureMatch {
  signature: CompiledSignature;
  /** Index into the logical lines where the match starts. */
  index: number;
  line: number;
  text: string;
  captures: Record<string, string>;
}

const ESCAPED = /\\[nt"'\\]/;
const MAX_UNESCAPE_PASSES = 3;
const MAX_SHOWN = 480;
const MAX_CAPTURE = 1000;

function unescapeOnce(text: string): string {
  return text.replace(/\\([nt"'\\r])/g, (_, char: string) =>
    char === 'n' ? '\n' : char === 't' ? '\t' : char === 'r' ? '' : char,
  );
}

/** One physical line as the logical lines inside it, quoted escapes undone. */
export function unescapeLine(raw: string): string[] {
  let current = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  for (let pass = 0; pass < MAX_UNESCAPE_PASSES && ESCAPED.test(current); pass++) {
    current = unescapeOnce(current);
  }
  return current.split('\n');
}

/** A one-line signature on one logical line. */
export function matchLine(
  signature: CompiledSignature,
  text: string,
  index: number,
  line: number,
): SignatureMatch | null {
  const found = signature.regex.exec(text);
  if (!found || signature.excludeRegex?.test(text)) return null;
  return toMatch(signature, index, line, found, shortenAround(text, found.index));
}

/**
 * A one-line signature on two lines of a paste wrapped at a fixed width (a narrow terminal, a
 * quoted reply), joined by a space: a match counts only when it crosses the join at `boundary`,
 * which is what neither line alone could match.
 */
export function matchAcross(
  signature: CompiledSignature,
  text: string,
  boundary: number,
  index: number,
  line: number,
): SignatureMatch | null {
  const found = signature.regex.exec(text);
  if (!found || found.index >= boundary || found.index + found[0].length <= boundary) return null;
  if (signature.excludeRegex?.test(text)) return null;
  return toMatch(signature, index, line, found, shortenAround(text, found.index));
}

/**
 * A multi-line signature on a window: its lines joined by "\n", the first one where the start
 * regex matched. consumedLines: the window's lines up to the end of the match.
 */
export function matchWindow(
  signature: CompiledSignature,
  text: string,
  index: number,
  line: number,
): (SignatureMatch & { consumedLines: number }) | null {
  const found = signature.regex.exec(text);
  if (!found || signature.excludeRegex?.test(found[0])) return null;
  let consumedLines = 1;
  const end = found.index + found[0].length;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1))
    consumedLines++;
  return {
    ...toMatch(signature, index, line, found, shortenLines(found[0])),
    consumedLines,
  };
}

function toMatch(
  signature: CompiledSignature,
  index: number,
  line: number,
  found: RegExpExecArray,
  text: string,
): SignatureMatch {
  const captures: Record<string, string> = {};
  for (const [name, value] of Object.entries(found.groups ?? {})) {
    if (value !== undefined)
      captures[name] = value.length > MAX_CAPTURE ? `${value.slice(0, MAX_CAPTURE)}…` : value;
  }
  addErrno(captures, signature.errno);
  addKernelVersion(captures);
  return { signature, index, line, text, captures };
}

/** Normalises an errno capture (name, number or strerror text) and adds its name and number. */
function addErrno(captures: Record<string, string>, declared: string | undefined): void {
  const raw = captures.errno;
  const errno =
    (raw !== undefined ? lookupErrno(raw) : undefined) ??
    (declared ? errnoByName(declared) : undefined);
  if (!errno) return;
  if (raw !== undefined && raw !== errno.name) captures.errnoText = raw;
  captures.errno = errno.name;
  captures.errnoNumber = String(errno.number);
}

/**
 * Decodes a LINUX_VERSION_CODE capture ((major << 16) + (minor << 8) + patch, as loaders print
 * "kern_version 331618") into the version it stands for (5.15.98).
 */
function addKernelVersion(captures: Record<string, string>): void {
  const code = Number(captures.kernelVersionCode);
  if (!Number.isInteger(code) || code <= 0 || code > 0xffffff) return;
  captures.kernelVersion = `${code >> 16}.${(code >> 8) & 0xff}.${code & 0xff}`;
}

/** A multi-line match as its first and last lines, with the count of lines between. */
function shortenLines(text: string): string {
  const lines = text.split('\n');
  if (lines.length <= 3) return shortenAround(text, 0);
  const first = shortenAround(lines[0]!, 0);
  const last = shortenAround(lines[lines.length - 1]!, 0);
  return `${first}\n… (${lines.length - 2} more lines) …\n${last}`;
}

function shortenAround(text: string, at: number): string {
  if (text.length <= MAX_SHOWN) return text;
  const start = Math.max(0, Math.min(at - 80, text.length - MAX_SHOWN));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + MAX_SHOWN)}${start + MAX_SHOWN < text.length ? '…' : ''}`;
}
