// `kcompat verifier` output: text, json and markdown, all pure functions of a VerifierReport.
import pc from 'picocolors';
import type { VerifierReport } from '../verifier/explain.js';
import { fence } from './markdown-blocks.js';
import { printableDeep } from './printable.js';

export function formatVerifierJson(report: VerifierReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The report as labelled sections; text and markdown differ only in how they print them. */
function sections(report: VerifierReport): { heading: string; lines: string[]; code?: string[] }[] {
  const out: { heading: string; lines: string[]; code?: string[] }[] = [];
  const errno = report.errno
    ? ` (${report.errno}${report.errnoFrom === 'message' ? ', what the kernel returns for this message' : ''})`
    : '';
  out.push({
    heading: { rejected: 'Rejected', accepted: 'Accepted', unknown: 'Outcome unknown' }[
      report.outcome
    ],
    lines: [
      report.error
        ? `${report.error}${errno}`
        : report.outcome === 'rejected'
          ? `the load failed${errno}; the log has no error message`
          : report.outcome === 'accepted'
            ? 'the verifier accepted the program'
            : 'the log ends before the verifier said whether it accepts the program',
      ...(report.program ? [`program: ${report.program}`] : []),
      ...(report.errorLine
        ? [
            `at line ${report.errorLine} of ${report.input === '-' ? 'standard input' : report.input}`,
          ]
        : []),
    ],
  });
  if (report.insn) {
    const insn = report.insn;
    out.push({
      heading: 'Failing instruction',
      lines: [
        `${insn.index}: (${insn.opcode}) ${insn.text}`,
        ...(insn.source ? [`source: ${insn.source}`] : []),
        ...(report.state ? [`registers: ${report.state}`] : []),
      ],
    });
  }
  if (report.path.length > 0)
    out.push({
      heading: 'Last branches taken',
      lines: report.path.map((branch) => `from ${branch.from} to ${branch.to}`),
    });
  if (report.explanation) {
    const explanation = report.explanation;
    out.push({
      heading: `Why: ${explanation.title}`,
      lines: [
        explanation.meaning,
        ...explanation.fixes.map((fix) => `fix: ${fix}`),
        `printed by ${explanation.where}, ${explanation.source}`,
      ],
    });
  }
  const stats = report.stats;
  const statLines = [
    stats.processedInsns !== null
      ? `processed ${stats.processedInsns} instructions (limit ${stats.insnLimit})`
      : null,
    stats.totalStates !== null
      ? `states: ${stats.totalStates} total, ${stats.peakStates} peak, ${stats.maxStatesPerInsn} max per instruction`
      : null,
    stats.stackDepth ? `stack depth: ${stats.stackDepth.join('+')} bytes` : null,
    stats.verificationTimeUsec !== null
      ? `verification time: ${stats.verificationTimeUsec} µs`
      : null,
    report.limit ? `limit hit: ${report.limit}` : null,
  ].filter((line): line is string => line !== null);
  if (statLines.length > 0) out.push({ heading: 'Statistics', lines: statLines });
  if (report.truncated.length > 0 || report.notes.length > 0)
    out.push({
      heading: 'Notes',
      lines: [
        ...(report.truncated.length > 0 ? [`truncated: ${report.truncated.join(', ')}`] : []),
        ...report.notes,
      ],
    });
  return out;
}

export function formatVerifierText(
  report: VerifierReport,
  { color = false }: { color?: boolean } = {},
): string {
  const c = pc.createColors(color);
  const out: string[] = [];
  for (const section of sections(printableDeep(report))) {
    const heading =
      section.heading === 'Rejected' ? c.red(c.bold(section.heading)) : c.bold(section.heading);
    out.push(heading, ...section.lines.map((line) => `  ${line}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function formatVerifierMarkdown(shown: VerifierReport): string {
  const report = printableDeep(shown);
  const out: string[] = [
    `# kcompat verifier: ${report.input === '-' ? 'standard input' : report.input}`,
    '',
  ];
  for (const section of sections(report)) {
    out.push(`## ${section.heading}`, '');
    if (section.heading === 'Failing instruction') out.push(fence(section.lines.join('\n')), '');
    else out.push(...section.lines.map((line) => `- ${line}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/** One paragraph for a finding of `kcompat why` whose input carries a verifier log. */
export function summariseVerifier(report: VerifierReport): string {
  const parts: string[] = [];
  if (report.error) parts.push(`the verifier stopped with "${report.error}"`);
  else if (report.errno) parts.push(`the load failed with ${report.errno}`);
  if (report.insn) parts.push(`at instruction ${report.insn.index} (${report.insn.text})`);
  if (report.explanation) parts.push(`: ${report.explanation.meaning}`);
  const stats =
    report.processedInsns !== null ? ` Processed ${report.processedInsns} instructions.` : '';
  const limit = report.limit ? ` Limit hit: ${report.limit}.` : '';
  const cut =
    report.truncated.length > 0 ? ` The log is truncated (${report.truncated.join(', ')}).` : '';
  const enospc =
    report.errno === 'ENOSPC' && report.errnoFrom === 'loader'
      ? ' ENOSPC here means the log buffer was too small, not that the program is invalid.'
      : '';
  const head =
    parts.length > 0 ? parts.join(' ').replace(' :', ':') : 'a verifier log without a final error';
  return `${head.charAt(0).toUpperCase()}${head.slice(1)}.${stats}${limit}${cut}${enospc} Details: kcompat verifier.`;
}
