// The pure core: diagnose(text, facts, kb) and check(facts, kb) build a Report and touch no
// machine. Everything they know about the host arrives as facts.
import type { KnowledgeBase, LoadedIssue } from '../kb/load.js';
import { SEVERITIES } from '../kb/schema.js';
import { evaluateCondition } from './conditions.js';
import { compareText } from './versions.js';
import type { Facts } from './facts.js';
import {
  REPORT_SCHEMA_VERSION,
  VERDICTS,
  type CheckedCondition,
  type Finding,
  type InputSummary,
  type Match,
  type Report,
  type Verdict,
} from './report.js';
import { matchSignature, toLogicalLines, type LogicalLine, type SignatureMatch } from './scan.js';
import type { CatalogueEntry } from '../verifier/catalogue.js';
import {
  explainVerifierLog,
  looksLikeVerifierLine,
  type VerifierReport,
} from '../verifier/explain.js';
import { VerifierLogParser } from '../verifier/parse.js';

export interface TextInput {
  name: string;
  text: string;
}

export interface DiagnoseOptions {
  toolVersion?: string;
  /** Representative matches kept per finding; the rest are only counted. */
  maxMatchesPerFinding?: number;
  /** With the verifier-message catalogue, findings in an input with a verifier log explain it. */
  verifierCatalogue?: readonly CatalogueEntry[];
}

const DEFAULT_MAX_MATCHES = 5;
const MAX_REAL_CAUSE_HINTS = 3;
// Words that mark a line as an error a user would look at next (for benign findings).
const ERRORISH =
  /\b(error|errors|failed|failure|fatal|denied|not permitted|invalid|cannot|can't|unable|refused)\b/i;

type InputMatch = SignatureMatch & { input: string };

interface IssueEvidence {
  issue: LoadedIssue;
  matches: InputMatch[];
}

/** Diagnoses error text or whole logs against the knowledge base. */
export function diagnose(
  inputs: readonly TextInput[],
  facts: Facts,
  kb: KnowledgeBase,
  options: DiagnoseOptions = {},
): Report {
  const maxMatches = options.maxMatchesPerFinding ?? DEFAULT_MAX_MATCHES;
  const summaries: InputSummary[] = [];
  const evidence = new Map<string, IssueEvidence>();
  const linesByInput = new Map<string, LogicalLine[]>();

  for (const input of inputs) {
    const lines = toLogicalLines(input.text);
    linesByInput.set(input.name, lines);
    summaries.push({
      name: input.name,
      lines: lines.length === 0 ? 0 : lines[lines.length - 1]!.line,
      bytes: Buffer.byteLength(input.text),
    });
    for (const issue of kb.issues) {
      // Several signatures of one entry can match the same text; the first listed wins.
      const claimed = new Set<number>();
      for (const signature of issue.signatures) {
        for (const match of matchSignature(signature, lines)) {
          if (claimed.has(match.line)) continue;
          claimed.add(match.line);
          const entry = evidence.get(issue.id) ?? { issue, matches: [] };
          entry.matches.push({ ...match, input: input.name });
          evidence.set(issue.id, entry);
        }
      }
    }
  }

  const findings = [...evidence.values()].map(({ issue, matches }) => {
    matches.sort((a, b) => (a.input === b.input ? a.index - b.index : 0));
    const conditions = issue.conditions.map((condition) => evaluateCondition(condition, facts));
    const verdict = textVerdict(issue, conditions);
    const shown: Match[] = matches.slice(0, maxMatches).map((match) => ({
      input: match.input,
      line: match.line,
      text: match.text,
      signature: match.signature.name,
      captures: match.captures,
    }));
    const finding = buildFinding(issue, verdict, conditions, shown, matches.length);
    return {
      finding,
      priority: Math.max(...matches.map((match) => match.signature.priority)),
      first: matches[0]!,
    };
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
      a.first.index - b.first.index,
  );

  const ranked = findings.map(({ finding }) => finding);
  if (options.verifierCatalogue)
    attachVerifierReports(ranked, linesByInput, options.verifierCatalogue);
  const benign = findings.filter(({ finding }) => finding.verdict === 'benign');
  // Lines that are themselves harmless are never offered as the real cause.
  const benignLines = new Set(
    benign.flatMap(({ finding }) => finding.matches.map((match) => `${match.input}:${match.line}`)),
  );
  for (const { finding, first } of benign) {
    finding.realCauseHints = findRealCauseHints(
      linesByInput.get(first.input) ?? [],
      first,
      benignLines,
    );
    finding.reasoning += describeRealCause(ranked, finding.realCauseHints);
  }

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'kcompat', version: options.toolVersion ?? 'unknown' },
    command: 'why',
    facts,
    inputs: summaries,
    findings: ranked,
    issuesChecked: kb.issues.length,
  };
}

/**
 * A finding whose text sits in an input that carries a BPF verifier log gets that log explained
 * (the same analysis as `kcompat verifier`), once per input.
 */
function attachVerifierReports(
  findings: readonly Finding[],
  linesByInput: ReadonlyMap<string, LogicalLine[]>,
  catalogue: readonly CatalogueEntry[],
): void {
  const reports = new Map<string, VerifierReport | null>();
  const reportFor = (input: string): VerifierReport | null => {
    if (!reports.has(input)) {
      const lines = linesByInput.get(input) ?? [];
      let report: VerifierReport | null = null;
      if (lines.some((line) => looksLikeVerifierLine(line.text))) {
        const parser = new VerifierLogParser();
        for (const line of lines) parser.push(line.text);
        const parsed = parser.finish();
        if (parsed.error || parsed.insn) report = explainVerifierLog(parsed, catalogue, input);
      }
      reports.set(input, report);
    }
    return reports.get(input)!;
  };
  for (const finding of findings) {
    if (finding.verdict === 'benign' || finding.matches.length === 0) continue;
    const report = reportFor(finding.matches[0]!.input);
    if (report) finding.verifier = report;
  }
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

function findRealCauseHints(
  lines: readonly LogicalLine[],
  from: InputMatch,
  benignLines: ReadonlySet<string>,
): Match[] {
  const hints: Match[] = [];
  for (
    let index = from.index + 1;
    index < lines.length && hints.length < MAX_REAL_CAUSE_HINTS;
    index++
  ) {
    const line = lines[index]!;
    if (benignLines.has(`${from.input}:${line.line}`)) continue;
    if (!ERRORISH.test(line.text)) continue;
    hints.push({
      input: from.input,
      line: line.line,
      text: line.text.length > 480 ? `${line.text.slice(0, 480)}…` : line.text,
      signature: 'error-line',
      captures: {},
    });
  }
  return hints;
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
