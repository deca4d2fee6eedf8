// The pure core: diagnose(text, facts, kb) and check(facts, kb) build a Report and touch no
// machine. Everything they know about the host arrives as facts. Text is scanned by LogScanner
// (src/core/log-scanner.ts), which the CLI also feeds as a stream.
import type { KnowledgeBase, LoadedIssue } from '../kb/load.js';
import { SEVERITIES } from '../kb/severity.js';
import { evaluateCondition } from './conditions.js';
import { compareText } from './versions.js';
import type { Facts } from './facts.js';
import {
  REPORT_SCHEMA_VERSION,
  VERDICTS,
  type CheckedCondition,
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
  facts: Facts,
  kb: KnowledgeBase,
  options: DiagnoseOptions = {},
): Report {
  const findings = scan.evidence.map((evidence) => {
    const conditions = evidence.issue.conditions.map((condition) =>
      evaluateCondition(condition, facts),
    );
    const verdict = textVerdict(evidence.issue, conditions);
    const shown: Match[] = evidence.shown.map((match) => ({
      input: match.input,
      line: match.line,
      text: match.text,
      signature: match.signature.name,
      captures: match.captures,
      ...(match.timestamp ? { timestamp: match.timestamp } : {}),
    }));
    const finding = buildFinding(evidence.issue, verdict, conditions, shown, evidence.occurrences);
    if (evidence.firstSeen) finding.firstSeen = evidence.firstSeen;
    if (evidence.lastSeen) finding.lastSeen = evidence.lastSeen;
    if (evidence.verifierLog && options.verifierCatalogue)
      finding.verifier = explainVerifierLog(
        evidence.verifierLog,
        options.verifierCatalogue,
        evidence.verifierLog.input,
      );
    if (verdict === 'benign') finding.realCauseHints = evidence.realCauseHints;
    return { finding, priority: evidence.priority, first: evidence.first.sequence };
  });

  // Findings that explain the failure come first, then ruled-out ones, then harmless lines.
  // Within a tier: the entry whose text is more specific (signature priority) first; then the
  // better verdict; then the entry with more conditions proven, so that of two entries matching
  // the same text the one whose facts are shown to hold (a kernel in a regression's range)
  // comes before the general one that holds everywhere.
  findings.sort(
    (a, b) =>
      verdictTier(a.finding.verdict) - verdictTier(b.finding.verdict) ||
      b.priority - a.priority ||
      VERDICTS.indexOf(a.finding.verdict) - VERDICTS.indexOf(b.finding.verdict) ||
      provenConditions(b.finding) - provenConditions(a.finding) ||
      rankFinding(a.finding) - rankFinding(b.finding) ||
      a.first - b.first,
  );
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
      findings.push(buildFinding(issue, 'at-risk', conditions, [], 0));
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

function textVerdict(issue: LoadedIssue, conditions: readonly CheckedCondition[]): Verdict {
  if (issue.benign) return 'benign';
  if (conditions.some((condition) => condition.result === 'false')) return 'ruled-out';
  if (conditions.every((condition) => condition.result === 'true')) return 'confirmed';
  return 'likely';
}

function verdictTier(verdict: Verdict): number {
  return verdict === 'benign' ? 2 : verdict === 'ruled-out' ? 1 : 0;
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
