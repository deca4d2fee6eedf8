// Finds every known issue in a stream of log lines, in bounded memory whatever the input size:
// lines go in one at a time (per input), and what stays is per entry a count, the first and
// last timestamps and a few representative matches. A prefilter (the literals one of which every
// match of a signature contains, src/kb/literals.ts) keeps the full regexes off lines that cannot
// match; signatures that span lines keep a window of at most maxLines lines. Pure.
import type { CompiledSignature, KnowledgeBase, LoadedIssue } from '../kb/load.js';
import { looksLikeVerifierLine } from '../verifier/explain.js';
import { VerifierLogParser, type ParsedVerifierLog } from '../verifier/parse.js';
import { MAX_RECORD_CHARS, RecordReader, type LogRecord } from './log-records.js';
import { TEXT_FACT_LITERALS, TextFactReader } from './text-facts.js';
import type { Facts } from './facts.js';
import type { InputNotes, InputSummary, Match } from './report.js';
import { asciiLowerCase, LiteralSet, longestAsciiPiece } from './literal-set.js';
import { rawPieces } from '../kb/literals.js';
import { matchAcross, matchLine, matchWindow, unescapeLine, type SignatureMatch } from './scan.js';

const MAX_REAL_CAUSE_HINTS = 3;
/** Lines after the last verifier line that still belong to its log (the error, the summary). */
const VERIFIER_TAIL_LINES = 400;
/**
 * A multi-line window holds at most this many characters: the same bound as one line, so that a
 * signature's regex never runs on more than 1 MiB (src/core/linear-regex.ts: linear in that).
 */
const MAX_WINDOW_CHARS = MAX_RECORD_CHARS;
// Words that mark a line as an error a user would look at next (for benign findings).
const ERRORISH =
  /\b(error|errors|failed|failure|fatal|denied|not permitted|invalid|cannot|can't|unable|refused)\b/i;

export interface ScanOptions {
  /** Representative matches kept per entry; the rest are only counted. */
  maxMatchesPerFinding?: number;
  /** Keep the BPF verifier log an input carries, for the findings from that input. */
  verifierLogs?: boolean;
  /** false: run every signature on every line (to measure the prefilter, and to test it). */
  prefilter?: boolean;
}

export interface InputMatch extends SignatureMatch {
  input: string;
  /** Order of the match in the whole scan, for ranking ties. */
  sequence: number;
  timestamp?: string;
}

export interface IssueEvidence {
  issue: LoadedIssue;
  occurrences: number;
  /** The first matches (up to the cap) and, when there were more, the last one. */
  shown: InputMatch[];
  first: InputMatch;
  firstSeen?: string;
  lastSeen?: string;
  priority: number;
  /** Some match was a cause line (signature role cause), not only lines reporting a consequence. */
  cause: boolean;
  /** Benign entries: error lines after the first match, the likelier real cause. */
  realCauseHints: Match[];
  /** The verifier log in the input of the first match, parsed (explained by reportScan). */
  verifierLog?: ParsedVerifierLog & { input: string };
}

export interface ScanResult {
  evidence: IssueEvidence[];
  inputs: InputSummary[];
  /** Facts the text states (uname output, versions, sysctls), with "the text, line N" as source. */
  textFacts: Facts;
}

/**
 * Pasted text arrives wrapped at a fixed width (a narrow terminal, a quoted reply: "> "), which
 * cuts an error line in two. The first lines of each input (a paste, a short log) are read whole
 * and every line that looks cut is also tried joined with the next; a log longer than this pays
 * for its first lines only, so the scan of big files keeps its speed.
 */
const WRAP_WINDOW_LINES = 2000;
/** A joined line is held up to this size (a line wrapped over several lines). */
const MAX_WRAPPED_CHARS = 4096;
const MIN_WRAPPED_CHARS = 20;
/** How a sentence ends; a wrapped line ends anywhere else (at a quote or a bracket too). */
const ENDS_SENTENCE = /[.!?]\s*$/;
/**
 * A line that starts a message of its own: a klog header, a bracket, a date, a shell prompt, a
 * level word (LXC's "ERROR    cgroup2_devices - ..."), a logfmt key, a capitalised "Word: ".
 */
const STARTS_MESSAGE =
  /^(?:[EWIF]\d{4} |\[|\d{4}-\d\d|\$ |# |(?:ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL|CRIT(?:ICAL)?|NOTICE)\b|(?:time|ts|level|lvl)=|[A-Z][a-z]{1,20}: )/;
const QUOTE_PREFIX = /^\s*>+ ?/;
/** How the lines of a verifier log start: an instruction, a register state, a branch, a summary. */
const VERIFIER_LINE_START =
  /^\s*(?:\d{1,7}: \([0-9a-f]{2}\)|R\d{1,2}(?:_[rw]{1,2})?=|from \d{1,7} to \d{1,7}:|last_idx |processed \d+ insns)/;
/** A shell prompt: "$ cmd", "# cmd", "user@host:~$ cmd", "[root@host dir]# cmd". */
const STARTS_COMMAND = /^\s*(?:>+ ?)?(?:[$#] |\[?[\w.-]{1,32}@[\w.-]{1,64}[^$#\n]{0,80}[$#] )/;

interface WrappedLine {
  text: string;
  index: number;
  line: number;
  timestamp: string | undefined;
  quoted: boolean;
}

interface SignatureRef {
  issue: number;
  order: number;
  signature: CompiledSignature;
}

interface Window {
  ref: SignatureRef;
  lines: string[];
  /** The physical line each logical line came from, and its record's timestamp. */
  physical: number[];
  timestamps: (string | undefined)[];
  chars: number;
}

/**
 * The prefilter of a logical line: the literal search (case-folded, so a superset) says which
 * signature literals may occur; then those signatures check their own literals exactly.
 */
class Prefilter {
  private readonly search: LiteralSet | null;
  readonly always: SignatureRef[];
  private readonly withLiterals: SignatureRef[];
  /** Per literal piece as the search reports it, the signatures (indexes in withLiterals) it serves. */
  private readonly byPiece = new Map<string, number[]>();
  private readonly marked: Uint8Array;

  constructor(refs: readonly SignatureRef[], enabled: boolean) {
    const searchable = (ref: SignatureRef) =>
      enabled &&
      ref.signature.literals !== null &&
      ref.signature.literals.every((literal) => longestAsciiPiece(literal).length >= 3);
    this.always = refs.filter((ref) => !searchable(ref));
    this.withLiterals = refs.filter(searchable);
    this.marked = new Uint8Array(this.withLiterals.length);
    this.withLiterals.forEach((ref, index) => {
      for (const literal of ref.signature.literals!) {
        const piece = asciiLowerCase(longestAsciiPiece(literal));
        this.byPiece.set(piece, [...(this.byPiece.get(piece) ?? []), index]);
      }
    });
    this.search = this.byPiece.size === 0 ? null : new LiteralSet([...this.byPiece.keys()]);
  }

  /**
   * Signatures that may match this line, in knowledge-base order: one literal search names the
   * pieces that occur (case-folded, so a superset), and only the signatures they serve check
   * their own literals exactly.
   */
  candidates(text: string): SignatureRef[] {
    if (this.search === null) return this.always;
    const pieces = this.search.literalsIn(text);
    if (pieces.size === 0) return this.always;
    for (const piece of pieces)
      for (const index of this.byPiece.get(piece)!) this.marked[index] = 1;
    let lower: string | undefined;
    const found: SignatureRef[] = [...this.always];
    this.withLiterals.forEach((ref, index) => {
      if (this.marked[index] === 0) return;
      this.marked[index] = 0;
      const literals = ref.signature.literals!;
      if (
        ref.signature.ignoreCase
          ? literals.some((literal) => (lower ??= text.toLowerCase()).includes(literal))
          : literals.some((literal) => text.includes(literal))
      )
        found.push(ref);
    });
    return found;
  }
}

/**
 * The literals to look for in raw physical lines: of each signature literal, its longest piece
 * between the characters a log format may escape (quotes, backslashes; an escaped newline splits
 * a literal too), plus what starts a verifier log and what starts a record the next lines
 * continue (docker json-file, CRI partials). Null when some signature has no
 * such piece of three or more characters: then every line takes the full path.
 */
function rawLiterals(refs: readonly SignatureRef[], verifier: boolean): LiteralSet | null {
  const pieces: string[] = ['{"log":"', ' stdout P ', ' stderr P ', ...TEXT_FACT_LITERALS];
  for (const ref of refs) {
    const own = rawPieces(ref.signature.literals);
    if (!own) return null;
    pieces.push(...own);
  }
  // A verifier log: its first state line, its summary, or the loaders' wrappers around it.
  if (verifier)
    pieces.push(
      ' R10=fp0',
      'processed ',
      'PROG LOAD LOG',
      'load program',
      'BPF program is too large',
    );
  return new LiteralSet(pieces);
}

const NEWLINE = 0x0a;

function looksWrapped(text: string): boolean {
  return text.trim().length >= MIN_WRAPPED_CHARS && !ENDS_SENTENCE.test(text);
}

function lineEnd(bytes: Buffer, from: number): number {
  const end = bytes.indexOf(NEWLINE, from);
  return end < 0 ? bytes.length : end;
}

/** How many newlines bytes[from, to) holds (Buffer.indexOf is native: gigabytes a second). */
function newlines(bytes: Buffer, from: number, to: number): number {
  let count = 0;
  for (
    let at = bytes.indexOf(NEWLINE, from);
    at >= 0 && at < to;
    at = bytes.indexOf(NEWLINE, at + 1)
  )
    count++;
  return count;
}

/**
 * Per entry, which signature claimed a physical line. Only recent lines matter (a window reaches
 * back at most 5,000 lines), so the lines are kept in two generations of at most 10,000 each: the
 * older is dropped whole when the newer fills, in constant time (deleting a Map's oldest keys one
 * by one makes its iteration slower and slower).
 */
class LineClaims {
  private recent = new Map<number, number>();
  private older = new Map<number, number>();

  get(line: number): number | undefined {
    return this.recent.get(line) ?? this.older.get(line);
  }

  set(line: number, order: number): void {
    this.recent.set(line, order);
    if (this.recent.size < 10_000) return;
    this.older = this.recent;
    this.recent = new Map();
  }
}

interface Searches {
  refs: SignatureRef[];
  prefilter: Prefilter;
  rawFilter: LiteralSet | null;
}

/**
 * The literal searches of a knowledge base, built once per knowledge base and options: they cost
 * time in the number of signatures, and `kb test` or an evaluation scans thousands of short texts
 * with the same knowledge base. They hold no state between scans.
 */
const searchCache = new WeakMap<KnowledgeBase, Map<string, Searches>>();

function searchesFor(kb: KnowledgeBase, prefilter: boolean, verifier: boolean): Searches {
  const key = `${prefilter}:${verifier}`;
  let byOptions = searchCache.get(kb);
  if (!byOptions) searchCache.set(kb, (byOptions = new Map()));
  let searches = byOptions.get(key);
  if (!searches) {
    const refs = kb.issues.flatMap((issue, index) =>
      issue.signatures.map((signature, order) => ({ issue: index, order, signature })),
    );
    searches = {
      refs,
      prefilter: new Prefilter(refs, prefilter),
      rawFilter: prefilter ? rawLiterals(refs, verifier) : null,
    };
    byOptions.set(key, searches);
  }
  return searches;
}

interface VerifierLogSpan {
  parsed: ParsedVerifierLog & { input: string };
  first: number;
  last: number;
}

/** Verifier logs kept per input; a finding's log is among them. */
const MAX_VERIFIER_LOGS = 64;

/** The log whose lines hold this line, else the closest one before it, else the closest after. */
function nearestLog(
  logs: readonly VerifierLogSpan[],
  line: number,
): VerifierLogSpan['parsed'] | undefined {
  let best: VerifierLogSpan | undefined;
  let bestDistance = Infinity;
  for (const log of logs) {
    const distance =
      line < log.first
        ? (log.first - line) * 2 + 1 // a log after the line is a worse guess than one before it
        : line > log.last
          ? (line - log.last) * 2
          : 0;
    if (distance < bestDistance) {
      best = log;
      bestDistance = distance;
    }
  }
  return best?.parsed;
}

export class LogScanner {
  private readonly prefilter: Prefilter;
  private readonly maxMatches: number;
  private readonly evidence = new Map<number, IssueEvidence>();
  private readonly factReader = new TextFactReader();
  private readonly summaries: InputSummary[] = [];
  private sequence = 0;
  // Per input:
  private input = '';
  private reader: RecordReader | null = null;
  private logicalIndex = 0;
  private windows = new Map<SignatureRef, Window>();
  /** Per entry: physical lines already claimed, with the order of the signature that claimed them. */
  private claims = new Map<number, LineClaims>();
  private hintCollectors: IssueEvidence[] = [];
  private benignLinesSeen = new Set<number>();
  private verifier: VerifierLogParser | null = null;
  private verifierTail = 0;
  private wrapped: WrappedLine | null = null;
  /** Physical lines of the verifier log being read, and the logs of this input read before it. */
  private verifierLines = { first: 0, last: 0 };
  private verifierLogs: VerifierLogSpan[] = [];
  private inputEvidence: IssueEvidence[] = [];
  private physicalLines = 0;
  private readonly rawFilter: LiteralSet | null;

  constructor(
    private readonly kb: KnowledgeBase,
    private readonly options: ScanOptions = {},
  ) {
    this.maxMatches = options.maxMatchesPerFinding ?? 5;
    ({ prefilter: this.prefilter, rawFilter: this.rawFilter } = searchesFor(
      kb,
      options.prefilter !== false,
      Boolean(options.verifierLogs),
    ));
  }

  beginInput(name: string): void {
    this.input = name;
    this.reader = new RecordReader((record) => this.onRecord(record));
    this.logicalIndex = 0;
    this.windows = new Map();
    this.claims = new Map();
    this.hintCollectors = [];
    this.benignLinesSeen = new Set();
    this.verifier = null;
    this.verifierTail = 0;
    this.wrapped = null;
    this.verifierLogs = [];
    this.inputEvidence = [];
    this.physicalLines = 0;
  }

  /** One physical line of the current input (without its newline). */
  pushLine(line: string): void {
    this.physicalLines++;
    // The fast path for the bulk of a log: a line that holds none of the raw literals, while no
    // open window, hint collection, verifier log or record being joined needs it, is skipped.
    if (this.rawFilter !== null && !this.needsEveryLine() && !this.rawFilter.occursIn(line)) return;
    this.reader!.push(line, this.physicalLines);
  }

  /**
   * A block of complete lines as read (UTF-8, joined by "\n", no final newline): the same as
   * pushLine for each, but the literal search runs over the bytes and only lines with a hit are
   * decoded. The block may be a view of the caller's buffer: it is not kept.
   */
  pushBytes(bytes: Buffer): void {
    const hits = this.rawFilter?.findLines(bytes) ?? [];
    let next = 0;
    let position = 0;
    while (position <= bytes.length) {
      if (this.rawFilter === null || this.needsEveryLine()) {
        const end = lineEnd(bytes, position);
        this.physicalLines++;
        this.reader!.push(bytes.toString('utf8', position, end), this.physicalLines);
        position = end + 1;
        continue;
      }
      // Hits on lines already taken (a line with two hits, lines read one by one) are passed.
      while (next < hits.length && hits[next]! < position) next++;
      const hit = next < hits.length ? hits[next++]! : -1;
      if (hit < 0) {
        // The rest of the block: its lines are its newlines plus the last one.
        this.physicalLines += newlines(bytes, position, bytes.length) + 1;
        return;
      }
      // A negative offset would search from the end: a hit at 0 starts the block's first line.
      const start = hit === 0 ? 0 : bytes.lastIndexOf(NEWLINE, hit - 1) + 1;
      this.physicalLines += newlines(bytes, position, start);
      const end = lineEnd(bytes, hit);
      this.physicalLines++;
      this.reader!.push(bytes.toString('utf8', start, end), this.physicalLines);
      position = end + 1;
    }
  }

  private needsEveryLine(): boolean {
    return (
      this.windows.size > 0 ||
      this.hintCollectors.length > 0 ||
      this.verifierTail > 0 ||
      this.physicalLines < WRAP_WINDOW_LINES ||
      this.factReader.waiting ||
      this.reader!.busy
    );
  }

  /**
   * bytes: the size of the input as read (the caller knows it; counting here would cost a pass);
   * notes: what the reader noticed (cut lines, NUL runs, an error that ended the input early).
   */
  endInput(bytes: number, notes: InputNotes = {}): void {
    this.reader!.finish();
    for (const window of [...this.windows.values()])
      this.closeWindow(window, this.logicalIndex, true);
    this.windows.clear();
    this.closeVerifierLog();
    // Each finding explains the verifier log it came with: the one around its first line, or the
    // nearest (a loader's error line follows its log; crun's comes inside it).
    for (const evidence of this.inputEvidence) {
      if (evidence.issue.benign || evidence.first.input !== this.input) continue;
      const log = nearestLog(this.verifierLogs, evidence.first.line);
      if (log) evidence.verifierLog ??= log;
    }
    const kept = Object.entries(notes).filter(([, value]) => value !== undefined && value !== 0);
    this.summaries.push({
      name: this.input,
      lines: this.physicalLines,
      bytes,
      ...(Object.fromEntries(kept) as InputNotes),
    });
    this.reader = null;
  }

  finish(): ScanResult {
    return {
      evidence: [...this.evidence.values()],
      inputs: this.summaries,
      textFacts: this.factReader.facts(),
    };
  }

  private onRecord(record: LogRecord): void {
    for (const text of unescapeLine(record.text)) this.onLogicalLine(text, record);
  }

  private onLogicalLine(text: string, record: LogRecord): void {
    const index = this.logicalIndex++;
    this.factReader.push(text, this.input, record.line);
    this.feedVerifier(text, record.line);
    for (const window of [...this.windows.values()]) this.extendWindow(window, text, record);
    let benignHere = false;
    let explained = false;
    for (const ref of this.prefilter.candidates(text)) {
      const signature = ref.signature;
      if (signature.startRegex) {
        if (!this.windows.has(ref) && signature.startRegex.test(text))
          this.openWindow(ref, text, record);
        continue;
      }
      const match = matchLine(signature, text, index, record.line);
      if (!match) continue;
      const issue = this.kb.issues[ref.issue]!;
      if (this.record(ref, match, record.timestamp) && issue.benign) benignHere = true;
      if (issue.layer === 'specific') explained = true;
    }
    if (benignHere) this.benignLinesSeen.add(record.line);
    if (index < WRAP_WINDOW_LINES) this.tryWrapped(text, index, record, explained);
    this.collectHints(text, record.line);
  }

  /**
   * Joins the line before (when it looked cut) with this one when this one continues it: no
   * timestamp of its own, no start of a message, the same quoting. Only matches across the join
   * count; the joined line is kept while it still looks cut (a line wrapped over several). A
   * line a specific entry explains whole is neither a first half nor a continuation: that keeps
   * a log of complete error lines from paying twice.
   */
  private tryWrapped(text: string, index: number, record: LogRecord, explained: boolean): void {
    const pending = this.wrapped;
    this.wrapped = null;
    // A verifier log's lines are whole lines, each its own instruction or state.
    if (explained || VERIFIER_LINE_START.test(text)) return;
    const quoted = QUOTE_PREFIX.test(text);
    if (pending && record.timestamp === undefined && quoted === pending.quoted) {
      const rest = (quoted ? text.replace(QUOTE_PREFIX, '') : text).trim();
      if (rest.length > 0 && !STARTS_MESSAGE.test(rest)) {
        const head = pending.text.trimEnd();
        const joined = `${head} ${rest}`;
        for (const ref of this.prefilter.candidates(joined)) {
          const match = matchAcross(
            ref.signature,
            joined,
            head.length,
            pending.index,
            pending.line,
          );
          if (match) this.record(ref, match, pending.timestamp);
        }
        if (joined.length <= MAX_WRAPPED_CHARS && looksWrapped(joined)) {
          this.wrapped = { ...pending, text: joined };
          return;
        }
      }
    }
    // A shell command line is whole too (its output starts on the next line).
    if (looksWrapped(text) && !STARTS_COMMAND.test(text))
      this.wrapped = { text, index, line: record.line, timestamp: record.timestamp, quoted };
  }

  private feedVerifier(text: string, line: number): void {
    if (!this.options.verifierLogs) return;
    if (looksLikeVerifierLine(text)) {
      // Another log begins: after the end of this one, or at a new first instruction.
      if (
        this.verifier &&
        (this.verifier.ended ||
          (this.verifier.instructions > 0 && VerifierLogParser.startsLog(text)))
      )
        this.closeVerifierLog();
      if (!this.verifier) {
        this.verifier = new VerifierLogParser();
        this.verifierLines = { first: line, last: line };
      }
      this.verifierTail = VERIFIER_TAIL_LINES;
    } else if (this.verifierTail > 0) this.verifierTail--;
    else {
      this.closeVerifierLog();
      return;
    }
    this.verifierLines.last = line;
    this.verifier!.push(text);
  }

  private closeVerifierLog(): void {
    if (!this.verifier) return;
    const parsed = { ...this.verifier.finish(), input: this.input };
    if (parsed.error || parsed.insn || parsed.loaderErrno)
      this.verifierLogs.push({ parsed, ...this.verifierLines });
    // Bounded: an input with thousands of logs keeps the last few.
    if (this.verifierLogs.length > MAX_VERIFIER_LOGS) this.verifierLogs.shift();
    this.verifier = null;
  }

  private openWindow(ref: SignatureRef, text: string, record: LogRecord): void {
    const window: Window = {
      ref,
      lines: [text],
      physical: [record.line],
      timestamps: [record.timestamp],
      chars: text.length,
    };
    this.windows.set(ref, window);
    if (window.lines.length >= ref.signature.maxLines) this.closeWindow(window);
  }

  private extendWindow(window: Window, text: string, record: LogRecord): void {
    // A line that would take the window past the bound closes it first (it may open another).
    if (window.chars + text.length + 1 > MAX_WINDOW_CHARS) {
      this.closeWindow(window, this.logicalIndex - 1);
      return;
    }
    window.lines.push(text);
    window.physical.push(record.line);
    window.timestamps.push(record.timestamp);
    window.chars += text.length + 1;
    if (window.lines.length >= window.ref.signature.maxLines) this.closeWindow(window);
  }

  /**
   * Tries the pattern on a complete window (full, at its size bound, or at the end of the input);
   * the lines after what a match used (or after the first line, without a match) may start the
   * next window, which is tried at once on the lines already held: a match that ends before the
   * last of them is final (more lines cannot change where it ends), otherwise the window waits
   * for more lines. So a run of start lines costs one try each, not one window each. endIndex:
   * the logical index after the window's last line (the current line is not always in it).
   */
  private closeWindow(window: Window, endIndex = this.logicalIndex, atEnd = false): void {
    this.windows.delete(window.ref);
    const signature = window.ref.signature;
    // The lines are joined once; each later window is a slice of the same text.
    const text = window.lines.join('\n');
    const starts: number[] = [];
    for (let at = 0, index = 0; index < window.lines.length; index++) {
      starts.push(at);
      at += window.lines[index]!.length + 1;
    }
    const firstIndex = endIndex - window.lines.length;
    let from = 0;
    let complete = true;
    for (;;) {
      const held = window.lines.length - from;
      const match = matchWindow(
        signature,
        from === 0 ? text : text.slice(starts[from]),
        firstIndex + from,
        window.physical[from]!,
      );
      if (!complete && (!match || match.consumedLines >= held)) {
        this.windows.set(window.ref, {
          ref: window.ref,
          lines: window.lines.slice(from),
          physical: window.physical.slice(from),
          timestamps: window.timestamps.slice(from),
          chars: text.length - starts[from]!,
        });
        return;
      }
      if (match) this.record(window.ref, match, window.timestamps[from]);
      // Go on from the first line after what was used that could open a window again.
      let next = from + (match ? match.consumedLines : 1);
      while (next < window.lines.length && !signature.startRegex!.test(window.lines[next]!)) next++;
      if (next >= window.lines.length) return;
      from = next;
      complete = atEnd;
    }
  }

  /** Counts a match for its entry; false when another signature of the entry had the line. */
  private record(ref: SignatureRef, match: SignatureMatch, timestamp: string | undefined): boolean {
    let claims = this.claims.get(ref.issue);
    if (!claims) this.claims.set(ref.issue, (claims = new LineClaims()));
    const claimedBy = claims.get(match.line);
    if (claimedBy !== undefined && claimedBy <= ref.order) return false;
    claims.set(match.line, ref.order);
    const inputMatch: InputMatch = {
      ...match,
      input: this.input,
      sequence: this.sequence++,
      ...(timestamp ? { timestamp } : {}),
    };
    let evidence = this.evidence.get(ref.issue);
    if (claimedBy !== undefined && evidence) {
      // An earlier-listed signature matched a line a later one had claimed: it wins, as in a
      // scan signature by signature; the count stays.
      const at = evidence.shown.findIndex(
        (shown) => shown.input === this.input && shown.line === match.line,
      );
      if (at >= 0) evidence.shown[at] = inputMatch;
      if (evidence.first.input === this.input && evidence.first.line === match.line)
        evidence.first = inputMatch;
      return true;
    }
    if (!evidence) {
      evidence = {
        issue: this.kb.issues[ref.issue]!,
        occurrences: 0,
        shown: [],
        first: inputMatch,
        priority: ref.signature.priority,
        cause: false,
        realCauseHints: [],
        ...(timestamp ? { firstSeen: timestamp } : {}),
      };
      this.evidence.set(ref.issue, evidence);
      this.inputEvidence.push(evidence);
      if (evidence.issue.benign) this.hintCollectors.push(evidence);
    } else if (!this.inputEvidence.includes(evidence)) this.inputEvidence.push(evidence);
    evidence.occurrences++;
    evidence.priority = Math.max(evidence.priority, ref.signature.priority);
    if (ref.signature.role !== 'consequence') evidence.cause = true;
    if (timestamp) {
      evidence.firstSeen ??= timestamp;
      evidence.lastSeen = timestamp;
    }
    // Keep the first matches and the latest one: a few representative lines, not thousands.
    if (evidence.shown.length < this.maxMatches) evidence.shown.push(inputMatch);
    else evidence.shown[this.maxMatches - 1] = inputMatch;
    return true;
  }

  private collectHints(text: string, line: number): void {
    if (this.hintCollectors.length === 0 || this.benignLinesSeen.has(line) || !ERRORISH.test(text))
      return;
    this.hintCollectors = this.hintCollectors.filter((evidence) => {
      if (evidence.first.input !== this.input) return false;
      if (line <= evidence.first.line) return true;
      evidence.realCauseHints.push({
        input: this.input,
        line,
        text: text.length > 480 ? `${text.slice(0, 480)}…` : text,
        signature: 'error-line',
        captures: {},
      });
      return evidence.realCauseHints.length < MAX_REAL_CAUSE_HINTS;
    });
  }
}
