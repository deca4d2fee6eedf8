// The pure core: diagnose(text, facts, kb) and check(facts, kb) build a Report and touch no
// machine. Everything they know about the host arrives as facts. Text is scanned by LogScanner
// (src/core/log-scanner.ts), which the CLI also feeds as a stream.
import type { KnowledgeBase, LoadedIssue } from '../kb/load.js';
import { SEVERITIES } from '../kb/severity.js';
import { evaluateCondition } from './conditions.js';
import { compareText } from './versions.js';
import { componentVersionKey, isKnown, layerTextFacts, type Facts } from './facts.js';
import {
  REPORT_SCHEMA_VERSION,
  VERDICTS,
  type CheckedCondition,
  type DifferentialCause,
  type Finding,
  type Match,
  type Report,
  type Verdict,
} from './report.js';
import { LogScanner, type ScanOptions, type ScanResult } from './log-scanner.js';
import type { CatalogueEntry } from '../verifier/catalogue.js';
import { explainVerifierLog } from '../verifier/explain.js';

export interface TextInput {
  name: string;
  text: string;
}

export interface DiagnoseOptions extends Omit<ScanOptions, 'verifierLogs'> {
  toolVersion?: string;
  /**
   * Facts the user gave on the command line (--kernel, --with): they win over what the text
   * states, which wins over the host facts passed as `facts`.
   */
  explicitFacts?: Facts;
  /** With the verifier-message catalogue, findings whose input carries a verifier log explain it. */
  verifierCatalogue?: readonly CatalogueEntry[];
}

/** Diagnoses error text or whole logs (held in memory) against the knowledge base. */
export function diagnose(
  inputs: readonly TextInput[],
  facts: Facts,
  kb: KnowledgeBase,
  options: DiagnoseOptions = {},
): Report {
  const scanner = new LogScanner(kb, {
    ...options,
    verifierLogs: Boolean(options.verifierCatalogue),
  });
  for (const input of inputs) {
    scanner.beginInput(input.name);
    const physical = input.text.split('\n');
    // A trailing newline does not start another line.
    if (physical.length > 1 && physical[physical.length - 1] === '') physical.pop();
    for (const line of physical) scanner.pushLine(line);
    scanner.endInput(Buffer.byteLength(input.text));
  }
  return reportScan(scanner.finish(), facts, kb, options);
}

/** The Report of a finished scan (streamed by the CLI, or from diagnose()). */
export function reportScan(
  scan: ScanResult,
  hostFacts: Facts,
  kb: KnowledgeBase,
  options: DiagnoseOptions = {},
): Report {
  const { facts, conflicts } = layerTextFacts(hostFacts, scan.textFacts, options.explicitFacts);
  const findings = scan.evidence.map((evidence) => {
    const conditions = evidence.issue.conditions.map((condition) =>
      evaluateCondition(condition, facts),
    );
    const differential = evaluateDifferential(evidence.issue, facts);
    const verdict = textVerdict(evidence.issue, conditions, differential);
    const shown: Match[] = evidence.shown.map((match) => ({
      input: match.input,
      line: match.line,
      text: match.text,
      signature: match.signature.name,
      captures: match.captures,
      ...(match.timestamp ? { timestamp: match.timestamp } : {}),
    }));
    const finding = buildFinding(evidence.issue, verdict, conditions, shown, evidence.occurrences);
    if (differential) {
      finding.differential = differential;
      finding.reasoning = explainDifferential(verdict, conditions, differential, finding.reasoning);
    }
    if (evidence.firstSeen) finding.firstSeen = evidence.firstSeen;
    if (evidence.lastSeen) finding.lastSeen = evidence.lastSeen;
    if (evidence.verifierLog && options.verifierCatalogue)
      finding.verifier = explainVerifierLog(
        evidence.verifierLog,
        options.verifierCatalogue,
        evidence.verifierLog.input,
      );
    if (verdict === 'benign') finding.realCauseHints = evidence.realCauseHints;
    return {
      finding,
      priority: evidence.priority,
      cause: evidence.cause,
      first: evidence.first.sequence,
      factSupport: differential
        ? ownCauseSupport(evidence.issue, differential, kb)
        : provenConditions(finding),
    };
  });
  yieldToConditional(findings.map(({ finding }) => finding));
  findings.sort(rankFindings);
  const ranked = findings.map(({ finding }) => finding);
  // A harmless line is never the answer: say what the real failure is, ranked above or nearby.
  for (const finding of ranked)
    if (finding.verdict === 'benign')
      finding.reasoning += describeRealCause(ranked, finding.realCauseHints ?? []);

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'kcompat', version: options.toolVersion ?? 'unknown' },
    command: 'why',
    facts,
    inputs: scan.inputs,
    findings: ranked,
    issuesChecked: kb.issues.length,
    ...(conflicts.length > 0 ? { factConflicts: conflicts } : {}),
  };
}

/** Evaluates every known issue against facts alone: which ones this host is exposed to. */
export function check(facts: Facts, kb: KnowledgeBase, options: DiagnoseOptions = {}): Report {
  const findings: Finding[] = [];
  const undecided: NonNullable<Report['undecided']> = [];
  for (const issue of kb.issues) {
    if (issue.benign || issue.conditions.length === 0) continue;
    const conditions = issue.conditions.map((condition) => evaluateCondition(condition, facts));
    if (conditions.every((condition) => condition.result === 'true')) {
      if (conditions.every((condition) => isOwnPrivilege(condition, facts))) {
        undecided.push({
          id: issue.id,
          title: issue.title,
          unknownFacts: conditions.map((condition) => condition.fact),
          note: describeOwnPrivileges(conditions),
        });
        continue;
      }
      const finding = buildFinding(issue, 'at-risk', conditions, [], 0);
      const users = usersPresent(issue, facts);
      if (users !== null && users.length === 0) {
        // A missing kernel capability only matters where something needs it.
        finding.severity = 'info';
        finding.reasoning += ` Nothing on this host is known to need it: none of ${issue.usedBy.join(', ')} is installed, so this is information, not a risk.`;
      }
      findings.push(finding);
    } else if (!conditions.some((condition) => condition.result === 'false')) {
      const unknownFacts = conditions
        .filter((condition) => condition.result === 'unknown')
        .map((condition) => condition.fact);
      undecided.push({ id: issue.id, title: issue.title, unknownFacts });
    }
  }
  findings.sort((a, b) => rankFinding(a) - rankFinding(b) || compareText(a.id, b.id));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'kcompat', version: options.toolVersion ?? 'unknown' },
    command: 'check',
    facts,
    inputs: [],
    findings,
    issuesChecked: kb.issues.length,
    undecided,
  };
}

/**
 * The privileges of the process that probed, as the probe reads them from /proc/self (kcompat
 * itself, or whoever ran the `kcompat probe` a --facts file holds). An unprivileged kcompat lacks
 * CAP_SYS_ADMIN and CAP_BPF whatever the programs on this host run with, so an issue whose every
 * condition is on these facts is not a hazard of the host: `check` lists it among the undecided
 * issues with a note. The same facts given another source (a --facts file written for a service's
 * user) still decide.
 */
const OWN_PRIVILEGE_FACTS: ReadonlySet<string> = new Set([
  'process.uid',
  'process.euid',
  'process.capabilities',
]);
const OWN_PROCESS_SOURCE = '/proc/self/';

function isOwnPrivilege(condition: CheckedCondition, facts: Facts): boolean {
  const fact = facts[condition.fact];
  return (
    OWN_PRIVILEGE_FACTS.has(condition.fact) &&
    isKnown(fact) &&
    fact.source.startsWith(OWN_PROCESS_SOURCE)
  );
}

function describeOwnPrivileges(conditions: readonly CheckedCondition[]): string {
  const matched = conditions
    .map((condition) => `${condition.expected}: ${condition.reason}`)
    .join('; ');
  return `only kcompat's own process matches (${matched}); that says nothing of the programs this issue is about, though one run as unprivileged as kcompat here would meet it.`;
}

/**
 * For an entry with usedBy: the components among them installed here, or null when the entry
 * names none. A component whose version is unknown is not counted as installed.
 */
function usersPresent(issue: LoadedIssue, facts: Facts): string[] | null {
  if (issue.usedBy.length === 0) return null;
  return issue.usedBy.filter((component) => {
    const fact = facts[componentVersionKey(component)];
    return isKnown(fact) && fact.value !== null && fact.value !== false;
  });
}

/**
 * The verdict of an entry whose text matched. A general entry recognises a mechanism, not a
 * cause: it is likely at best, confirmed only when the facts leave exactly one cause of its
 * differential; an entry with conditions is confirmed when they all hold; one without conditions
 * (the text alone proves it) is confirmed.
 */
function textVerdict(
  issue: LoadedIssue,
  conditions: readonly CheckedCondition[],
  differential: readonly DifferentialCause[] | undefined,
): Verdict {
  if (issue.benign) return 'benign';
  if (conditions.some((condition) => condition.result === 'false')) return 'ruled-out';
  if (!conditions.every((condition) => condition.result === 'true')) return 'likely';
  if (issue.layer === 'general') {
    const left = causesLeft(differential ?? []);
    return left.length === 1 && left[0]!.result === 'fits' ? 'confirmed' : 'likely';
  }
  return 'confirmed';
}

/** The causes of a differential that the facts do not exclude. */
function causesLeft(differential: readonly DifferentialCause[]): DifferentialCause[] {
  return differential.filter((cause) => cause.result !== 'excluded');
}

/** Each cause of a general entry's differential, with its conditions evaluated over the facts. */
function evaluateDifferential(issue: LoadedIssue, facts: Facts): DifferentialCause[] | undefined {
  if (issue.layer !== 'general' || issue.differential.length === 0) return undefined;
  return issue.differential.map((cause) => {
    const conditions = cause.when.map((condition) => evaluateCondition(condition, facts));
    const result = conditions.some((condition) => condition.result === 'false')
      ? 'excluded'
      : conditions.length > 0 && conditions.every((condition) => condition.result === 'true')
        ? 'fits'
        : 'undecided';
    return {
      cause: cause.cause,
      result,
      conditions,
      check: cause.check,
      ...(cause.entry ? { entry: cause.entry } : {}),
      ...(cause.source ? { source: cause.source } : {}),
    };
  });
}

interface RankedFinding {
  finding: Finding;
  /** The highest priority among the signatures that matched. */
  priority: number;
  /** Some match was a cause line (not only lines reporting a consequence). */
  cause: boolean;
  first: number;
  /**
   * What the facts say for this entry: for a specific entry, how many of its conditions they
   * prove; for a general one, +1 when every condition of a cause of its own family holds, -1 when
   * they exclude every such cause (the causes it lists that other families explain do not count
   * for it), 0 otherwise.
   */
  factSupport: number;
}

/**
 * Best first. The rules, in order:
 * 1. Findings that explain the failure (confirmed, likely) before ruled-out ones, and harmless
 *    (benign) lines last: a harmless line never outranks a real error.
 * 2. A root-cause line (an operation and its errno) before lines that only report its
 *    consequence ("failed to load object", "exit status 1").
 * 3. A specific entry (a release, a regression, one cause), whose conditions hold or are
 *    unknown, before the general entry of a mechanism: a cause says more than a mechanism. (An
 *    entry without conditions that shares its line with one whose facts are unknown is likely,
 *    not confirmed: yieldToConditional.)
 * 4. More conditions proven by the facts first: a shared line (EPERM on map create) is settled by
 *    facts where they exist...
 * 5. ...and by the signature's priority (the entry's prior: how often that cause is the one)
 *    where they do not.
 * 6. Then the better verdict, the higher severity, and the earlier match.
 */
function rankFindings(a: RankedFinding, b: RankedFinding): number {
  return (
    verdictTier(a.finding.verdict) - verdictTier(b.finding.verdict) ||
    Number(b.cause) - Number(a.cause) ||
    specificity(b.finding) - specificity(a.finding) ||
    b.factSupport - a.factSupport ||
    b.priority - a.priority ||
    VERDICTS.indexOf(a.finding.verdict) - VERDICTS.indexOf(b.finding.verdict) ||
    rankFinding(a.finding) - rankFinding(b.finding) ||
    a.first - b.first
  );
}

/** 1: a specific entry (one cause); 0: a general entry (a mechanism). */
function specificity(finding: Finding): number {
  return finding.layer === 'general' ? 0 : 1;
}

/**
 * An entry with no conditions is confirmed by its text alone; but where an entry that depends on
 * facts, not ruled out by them, explains the same line, the text does not settle which of the two
 * it is: the unconditional one is likely, not confirmed over the conditional one.
 */
function yieldToConditional(findings: readonly Finding[]): void {
  const lines = (finding: Finding) =>
    new Set(finding.matches.map((match) => `${match.input}\0${match.line}`));
  const conditional = findings.filter(
    (finding) =>
      finding.layer === 'specific' &&
      finding.conditions.length > 0 &&
      (finding.verdict === 'likely' || finding.verdict === 'confirmed'),
  );
  for (const finding of findings) {
    if (finding.verdict !== 'confirmed' || finding.conditions.length > 0) continue;
    const own = lines(finding);
    const rival = conditional.find((other) => [...lines(other)].some((line) => own.has(line)));
    if (!rival) continue;
    finding.verdict = 'likely';
    finding.reasoning = `The text matches, but ${rival.id} explains the same line and depends on facts that are not all known: which of the two it is, those facts decide.`;
  }
}

function verdictTier(verdict: Verdict): number {
  return verdict === 'benign' ? 2 : verdict === 'ruled-out' ? 1 : 0;
}

/**
 * A general entry's differential read for its own family: the causes with conditions it names
 * itself or through an entry of its family. EPERM on map create is a memlock cause on a kernel before 5.11 and not
 * after; an unprivileged-BPF cause whatever the kernel: the kernel release settles it.
 */
function ownCauseSupport(
  issue: LoadedIssue,
  differential: readonly DifferentialCause[],
  kb: KnowledgeBase,
): number {
  // Causes without conditions are neither proven nor excluded by facts: they do not count.
  const own = differential.filter(
    (cause) =>
      cause.conditions.length > 0 &&
      (!cause.entry || kb.byId.get(cause.entry)?.family === issue.family),
  );
  if (own.some((cause) => cause.result === 'fits')) return 1;
  if (own.length > 0 && own.every((cause) => cause.result === 'excluded')) return -1;
  return 0;
}

function provenConditions(finding: Finding): number {
  return finding.conditions.filter((condition) => condition.result === 'true').length;
}

function rankFinding(finding: Finding): number {
  const severityRank = SEVERITIES.length - SEVERITIES.indexOf(finding.severity);
  return VERDICTS.indexOf(finding.verdict) * 10 + severityRank;
}

function buildFinding(
  issue: LoadedIssue,
  verdict: Verdict,
  conditions: CheckedCondition[],
  matches: Match[],
  occurrences: number,
): Finding {
  return {
    id: issue.id,
    family: issue.family,
    title: issue.title,
    layer: issue.layer,
    verdict,
    severity: issue.severity,
    summary: issue.summary,
    explanation: issue.explanation,
    reasoning: explainVerdict(verdict, conditions),
    matches,
    occurrences,
    conditions,
    fix: issue.fix,
    workarounds: issue.workarounds,
    references: issue.references,
    related: issue.related,
    unverified: issue.unverified,
    ...(verdict === 'ruled-out' && issue.ruledOutHint ? { ruledOutHint: issue.ruledOutHint } : {}),
  };
}

/** A general finding's reasoning: the mechanism is known; which causes the facts leave. */
function explainDifferential(
  verdict: Verdict,
  conditions: readonly CheckedCondition[],
  differential: readonly DifferentialCause[],
  reasoning: string,
): string {
  if (verdict === 'ruled-out') return reasoning;
  const left = causesLeft(differential);
  const fitting = left.filter((cause) => cause.result === 'fits');
  const unknownConditions = conditions.some((condition) => condition.result === 'unknown');
  const prefix = unknownConditions ? `${reasoning} ` : 'The text shows the mechanism. ';
  if (verdict === 'confirmed' && fitting.length === 1)
    return `${prefix}The facts leave one cause: ${fitting[0]!.cause}.`;
  if (left.length === 0)
    return `${prefix}The facts exclude every cause listed below; it may be one not listed yet.`;
  return `${prefix}The facts leave ${left.length} of its ${differential.length} causes; each below with the command that decides it.`;
}

function explainVerdict(verdict: Verdict, conditions: readonly CheckedCondition[]): string {
  const failing = conditions.filter((condition) => condition.result === 'false');
  const unknown = conditions.filter((condition) => condition.result === 'unknown');
  switch (verdict) {
    case 'confirmed':
      return conditions.length === 0
        ? 'The text matches, and this issue depends on nothing else.'
        : `The text matches and every condition holds: ${conditions.map((c) => c.expected).join('; ')}.`;
    case 'likely':
      return `The text matches, but ${unknown.length === 1 ? 'one fact is' : `${unknown.length} facts are`} unknown: ${unknown
        .map((c) => `${c.fact} (${c.reason})`)
        .join('; ')}.`;
    case 'ruled-out':
      return `The text matches, but the facts rule this issue out: ${failing.map((c) => c.reason).join('; ')}.`;
    case 'at-risk':
      return `No error text, but the facts put this host in the affected range: ${conditions
        .map((c) => c.reason)
        .join('; ')}.`;
    case 'benign':
      return 'This line looks like an error but is harmless.';
  }
}

function describeRealCause(ranked: readonly Finding[], hints: readonly Match[]): string {
  const real = ranked.find(
    (finding) => finding.verdict !== 'benign' && finding.verdict !== 'ruled-out',
  );
  if (real) return ` The failure in this log is more likely ${real.id} (ranked above).`;
  if (hints.length > 0) {
    return ` Look at the error after it instead: line ${hints[0]!.line}: ${hints[0]!.text}`;
  }
  return ' If something failed, the cause is elsewhere in the log; this line is not it.';
}
