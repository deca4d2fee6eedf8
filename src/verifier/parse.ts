// A streaming parser of BPF verifier logs: feed it lines (any number, any size of log) and it
// keeps only what an explanation needs: the last instructions, states and branch decisions,
// the final error and the statistics. Memory is bounded whatever the input.
//
// Formats it reads: the kernel's log at log_level 1, 2 and 4 (kernel/bpf/verifier.c,
// kernel/bpf/log.c), the same log wrapped by libbpf ("-- BEGIN PROG LOAD LOG --"), cilium/ebpf
// ("load program: permission denied: ... (N line(s) omitted)"), bcc ("bpf: Failed to load
// program: ..."), bpftool and bpftrace, and embedded in a runtime error (crun's "bpf create `...`:
// errno"), possibly with a log prefix (timestamps, journald) on every line.
// Verifier logs are untrusted text: a regex here that backtracks too much on a long line
// restarts in V8's linear-time engine (src/core/linear-regex.ts sets the flags).
import '../core/linear-regex.js';
import { errnoByName, errnoByNumber, lookupErrno } from '../core/errno.js';

/** Lines longer than this are cut: no verifier line is anywhere near it. */
export const MAX_LINE_CHARS = 16 * 1024;
const KEEP_INSNS = 12;
const KEEP_BRANCHES = 8;
const KEEP_MESSAGES = 24;

export interface Instruction {
  index: number;
  /** The opcode byte as the kernel prints it, e.g. "85". */
  opcode: string;
  /** The disassembly, e.g. "call bpf_map_lookup_elem#1". */
  text: string;
  /** The source line from the preceding "; ..." BTF line info, when the log has it. */
  source: string | null;
  /** The register state printed after the instruction (log_level 2, or changed registers). */
  state: string | null;
  /** 1-based line in the input. */
  line: number;
}

export interface BranchDecision {
  from: number;
  to: number;
  /** The state on entry to the branch target, when printed. */
  state: string | null;
}

export interface VerifierStats {
  processedInsns: number | null;
  insnLimit: number | null;
  maxStatesPerInsn: number | null;
  totalStates: number | null;
  peakStates: number | null;
  markRead: number | null;
  /** Per-subprogram stack depth in bytes ("stack depth 16+8"). */
  stackDepth: number[] | null;
  verificationTimeUsec: number | null;
}

export type Truncation =
  | 'tail-missing' // the log stops before the verifier's summary: the real error may be missing
  | 'head-missing' // the log starts mid-way (a rotating log since 6.4 keeps the tail)
  | 'lines-omitted'; // the loader dropped lines (cilium/ebpf "(N line(s) omitted)")

export interface ParsedVerifierLog {
  /** The line that states why the verifier rejected the program, or null. */
  error: string | null;
  errorLine: number | null;
  /** errno the loader or runtime printed with the log, if any. */
  loaderErrno: string | null;
  program: string | null;
  insn: Instruction | null;
  /** The last instructions walked before the failure, oldest first. */
  recentInsns: Instruction[];
  /** The register state at the failure: the newest state line before the error. */
  state: string | null;
  /** The last branch decisions on the path to the failure, oldest first. */
  path: BranchDecision[];
  stats: VerifierStats;
  truncated: Truncation[];
  /** Lines read, and lines the parser recognised as verifier output. */
  lines: number;
  verifierLines: number;
  /** Lines longer than MAX_LINE_CHARS, cut. */
  longLines: number;
}

// Instruction as the kernel prints it: "12: (85) call bpf_map_lookup_elem#1", with an optional
// "; R0_w=..." state after it (log_level 2, or registers that changed, since 6.1).
const INSN = /(?:^|[\s`'"])(\d+): \(([0-9a-f]{2})\) (.*)$/;
// Searched for, not anchored: `^(.*?)\s+; ` would try every split of a long run of spaces.
const INSN_STATE = /\s; ((?:frame\d+: )?(?:R\d|fp-?\d).*)$/;
// Since 6.x the state on entry to a branch target follows the jump: "if r2 == 0x0 goto pc+1 3: R1=ctx()".
const INLINE_BRANCH = /^(.*goto pc[+-]\d+) (\d+): ((?:frame\d+: )?R\d.*)$/;
const STATE_AT = /^(\d+): ((?:frame\d+: )?R\d+(?:_[rwD]+)?=.*)$/;
const STATE_BARE = /^((?:frame\d+: )?R\d+(?:_[rwD]+)?=\S.*)$/;
const FROM_TO = /^from (\d+) to (\d+): ?(.*)$/;
const SOURCE = /^; (.*)$/; // trailing spaces are trimmed in code, not by a lazy regex
const PROCESSED =
  /processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
const STACK_DEPTH = /^stack depth (\d+(?:\+\d+)*)/;
const VERIFICATION_TIME = /^verification time (\d+) usec/;
// Lines of the log that are bookkeeping, not messages: level-2 liveness listings, precision
// tracking, subprogram headers, live stack updates.
const BOOKKEEPING =
  /^(?:func#\d+ @\d+|Live regs before insn:|\s*\d+: [.0-9]{10} \(|mark_precise: |\(\d+\) frame \d+ insn|\(\d+\) live stack|Validating \S+ func#\d+|Func#\d+ ('[^']*' )?is (global|static)|propagating r\d|last_idx \d+ first_idx \d+|parent didn't have regs|regs=\S* stack=\S* before|BTF: |; *$)/;
const BEGIN_LOG = /(?:prog '([^']+)': )?-- BEGIN PROG LOAD LOG --/;
const END_LOG = /-- END PROG LOAD LOG --/;
const OMITTED = /\((\d+) line\(s\) omitted\)/;
// What loaders print with the errno of the failed load.
const LOADER_ERRNO = [
  /prog '([^']+)': BPF program load failed: (-?E[A-Z0-9]+|-?\d+|[A-Z][a-z][^(]*)/, // libbpf
  /prog '([^']+)': failed to load: (-?E?[A-Z0-9]+|-\d+)/, // libbpf
  /()^bpf: (?:Failed to load program: )?([A-Z][a-z][^\n]*)$/, // bcc (older bcc without "Failed to load program")
  /(?:program (\S+): )?load program: ([a-z][a-z ]+?):/, // cilium/ebpf
  /()bpf create `[^`]*`: ([A-Z][a-z][^`:]*)/, // crun, on one line (containerd may append ": unknown")
  /^()`: ([A-Z][a-z][^`:]*)/, // crun, the line that closes a multi-line log
];
// cilium/ebpf puts the failing instruction and the error on one line: "load program: permission
// denied: 1030: (71) r1 = *(u8 *)(r9 +23): R9 invalid mem access 'inv' (646 line(s) omitted)".
const CILIUM_ONE_LINE =
  /load program: [a-z][a-z ]+?: (?:(\d+: \([0-9a-f]{2}\) .*?): )?([^:]+?)(?: \(\d+ line\(s\) omitted\))?$/;
const LIMIT_MESSAGES =
  /^(?:BPF program is too large\.|The sequence of \d+ jumps is too complex\.|combined stack size of \d+ calls|(?:bpf: Argument list too long\. )?Program\s+too large \(\d+ insns\))/;

function emptyStats(): VerifierStats {
  return {
    processedInsns: null,
    insnLimit: null,
    maxStatesPerInsn: null,
    totalStates: null,
    peakStates: null,
    markRead: null,
    stackDepth: null,
    verificationTimeUsec: null,
  };
}

function normaliseErrno(text: string): string | null {
  const trimmed = text.trim().replace(/^-/, '');
  if (/^\d+$/.test(trimmed)) return errnoByNumber(Number(trimmed))?.name ?? null;
  if (/^E[A-Z0-9]+$/.test(trimmed)) return errnoByName(trimmed)?.name ?? trimmed;
  return lookupErrno(trimmed)?.name ?? null;
}

export class VerifierLogParser {
  private lineNumber = 0;
  private verifierLines = 0;
  private longLines = 0;
  private sourceLine: string | null = null;
  private insns: Instruction[] = [];
  private branches: BranchDecision[] = [];
  /** Candidate messages since the last instruction: the error is among them. */
  private messages: { text: string; line: number }[] = [];
  /** The messages of the last walk that ended in one (kept when a later program starts). */
  private lastState: string | null = null;
  private stats = emptyStats();
  private loaderErrno: string | null = null;
  private program: string | null = null;
  private firstInsnIndex: number | null = null;
  private sawStart = false;
  private sawEnd = false;
  private omitted = false;
  private sawWrapper = false;
  private limitMessage: { text: string; line: number } | null = null;

  /**
   * The log has ended: the verifier's summary was read, or a loader's line with the load's errno.
   * A verifier line after this starts another log (a second program, another loader).
   */
  get ended(): boolean {
    return this.sawEnd || this.loaderErrno !== null;
  }

  /** Whether this line starts a log by itself: instruction 0, or a loader's "BEGIN" wrapper. */
  static startsLog(line: string): boolean {
    return BEGIN_LOG.test(line) || INSN.exec(line)?.[1] === '0';
  }

  /** Instructions read so far. */
  get instructions(): number {
    return this.insns.length;
  }

  push(rawLine: string): void {
    this.lineNumber++;
    let line = rawLine;
    if (line.length > MAX_LINE_CHARS) {
      line = line.slice(0, MAX_LINE_CHARS);
      this.longLines++;
    }
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.readLoaderLines(line);
    const begin = BEGIN_LOG.exec(line);
    if (begin) {
      this.sawWrapper = true;
      if (begin[1]) this.program = begin[1];
      return;
    }
    if (END_LOG.test(line)) {
      return;
    }
    if (OMITTED.test(line)) this.omitted = true;
    const oneLine = CILIUM_ONE_LINE.exec(line);
    if (oneLine) {
      if (oneLine[1]) this.classify(oneLine[1]);
      this.classify(oneLine[2]!);
      return;
    }
    this.classify(line);
  }

  private readLoaderLines(line: string): void {
    for (const pattern of LOADER_ERRNO) {
      const found = pattern.exec(line);
      if (!found) continue;
      const errno = normaliseErrno((found[2] ?? '').trim());
      if (errno) this.loaderErrno = errno;
      if (found[1]) this.program = found[1];
      return;
    }
  }

  private classify(raw: string): void {
    const text = stripPrefix(raw);
    if (text === '') return;
    // Bookkeeping first: precision tracking quotes instructions ("before 0: (b7) r0 = 7").
    if (BOOKKEEPING.test(text)) {
      this.verifierLines++;
      if (text.startsWith('func#0')) this.sawStart = true;
      return;
    }
    const insnMatch = INSN.exec(raw);
    if (insnMatch) {
      this.onInstruction(insnMatch);
      return;
    }
    const processed = PROCESSED.exec(text);
    if (processed) {
      this.verifierLines++;
      this.sawEnd = true;
      const [, insns, limit, maxStates, total, peak, markRead] = processed.map(Number);
      Object.assign(this.stats, {
        processedInsns: insns,
        insnLimit: limit,
        maxStatesPerInsn: maxStates,
        totalStates: total,
        peakStates: peak,
        markRead,
      });
      return;
    }
    const depth = STACK_DEPTH.exec(text);
    if (depth) {
      this.verifierLines++;
      this.stats.stackDepth = depth[1]!.split('+').map(Number);
      return;
    }
    const time = VERIFICATION_TIME.exec(text);
    if (time) {
      this.verifierLines++;
      this.stats.verificationTimeUsec = Number(time[1]);
      return;
    }
    const fromTo = FROM_TO.exec(text);
    if (fromTo) {
      this.verifierLines++;
      this.addBranch(Number(fromTo[1]), Number(fromTo[2]), fromTo[3] || null);
      return;
    }
    const stateAt = STATE_AT.exec(text);
    if (stateAt) {
      this.verifierLines++;
      if (stateAt[1] === '0' && this.insns.length === 0) this.sawStart = true;
      this.lastState = stateAt[2]!;
      return;
    }
    const bare = STATE_BARE.exec(text);
    if (bare) {
      this.verifierLines++;
      this.lastState = bare[1]!;
      return;
    }
    const source = SOURCE.exec(text);
    if (source) {
      this.verifierLines++;
      this.sourceLine = source[1]!.trimEnd();
      return;
    }
    if (LIMIT_MESSAGES.test(text)) {
      this.verifierLines++;
      this.limitMessage = { text, line: this.lineNumber };
    }
    this.messages.push({ text, line: this.lineNumber });
    if (this.messages.length > KEEP_MESSAGES) this.messages.shift();
  }

  private onInstruction(found: RegExpExecArray): void {
    this.verifierLines++;
    const index = Number(found[1]);
    let text = found[3]!.replace(/`.*$/, '');
    let state: string | null = null;
    const inline = INLINE_BRANCH.exec(text);
    if (inline) {
      text = inline[1]!;
      this.addBranch(index, Number(inline[2]), inline[3]!);
    } else {
      const withState = INSN_STATE.exec(text);
      if (withState) {
        text = text.slice(0, withState.index);
        state = withState[1]!;
      }
    }
    if (this.firstInsnIndex === null) {
      this.firstInsnIndex = index;
      if (index === 0) this.sawStart = true;
    }
    this.insns.push({
      index,
      opcode: found[2]!,
      text: text.trimEnd(),
      source: this.sourceLine,
      state,
      line: this.lineNumber,
    });
    if (this.insns.length > KEEP_INSNS) this.insns.shift();
    if (state) this.lastState = state;
    this.sourceLine = null;
    // A new instruction means the messages before it were not the final error.
    this.messages = [];
  }

  private addBranch(from: number, to: number, state: string | null): void {
    this.branches.push({ from, to, state });
    if (this.branches.length > KEEP_BRANCHES) this.branches.shift();
    if (state) this.lastState = state;
  }

  finish(): ParsedVerifierLog {
    const error = this.limitMessage ?? pickError(this.messages);
    const truncated: Truncation[] = [];
    const looksLikeLog = this.verifierLines > 0;
    if (looksLikeLog && !this.sawEnd && !error) truncated.push('tail-missing');
    // A loader that dropped lines says so itself; otherwise a log whose first instruction is not
    // the program's first was cut at its head.
    if (!this.omitted && looksLikeLog && !this.sawStart && (this.firstInsnIndex ?? 0) > 0)
      truncated.push('head-missing');
    if (this.omitted) truncated.push('lines-omitted');
    const last = this.insns.at(-1) ?? null;
    return {
      error: error?.text ?? null,
      errorLine: error?.line ?? null,
      loaderErrno: this.loaderErrno,
      program: this.program,
      insn: last,
      recentInsns: [...this.insns],
      state: this.lastState,
      path: [...this.branches],
      stats: { ...this.stats },
      truncated,
      lines: this.lineNumber,
      verifierLines: this.verifierLines,
      longLines: this.longLines,
    };
  }

  /** Whether a libbpf wrapper was seen (its lines outside the log are loader output). */
  get wrapped(): boolean {
    return this.sawWrapper;
  }
}

/** Loader and runtime prefixes before a verifier line: libbpf's "libbpf: ", crun's "bpf create `". */
function stripPrefix(line: string): string {
  return line
    .replace(/^.*?bpf create `/, '')
    .replace(/`: [A-Z][a-z][^`]*$/, '')
    .replace(/^\s*libbpf: /, '')
    .trim();
}

/**
 * The error among the messages after the last instruction: loader chatter ("libbpf: ...",
 * "HINT: ...") and the wrapper's own lines are skipped; the first remaining line is what the
 * verifier printed last before giving up.
 */
function pickError(
  messages: readonly { text: string; line: number }[],
): { text: string; line: number } | null {
  for (const message of messages) {
    if (
      /^(?:prog '|failed to load|HINT:|Error:|ERROR:|Warning:|WARNING:|load program:|-- )/.test(
        message.text,
      )
    )
      continue;
    if (/\b(?:libbpf|BPF program load failed|failed to load object|skeleton)\b/.test(message.text))
      continue;
    return message;
  }
  return null;
}

/**
 * Whether the text held a verifier log at all: some verifier line, and an error, an instruction
 * or the statistics line. Anything else is not a log to explain (`kcompat verifier` exits 2).
 */
export function isVerifierLog(parsed: ParsedVerifierLog): boolean {
  return (
    parsed.verifierLines > 0 &&
    (Boolean(parsed.error) || Boolean(parsed.insn) || parsed.stats.processedInsns !== null)
  );
}

/** Parses a whole log held in memory (tests, small inputs). */
export function parseVerifierLog(text: string): ParsedVerifierLog {
  const parser = new VerifierLogParser();
  for (const line of text.split('\n')) parser.push(line);
  return parser.finish();
}
