// A known-issue entry as a readable page: `kcompat kb show <id>` prints it.
import type { Condition } from '../kb/schema.js';
import type { LoadedIssue } from '../kb/load.js';
import { cell, fence } from './markdown-blocks.js';

export function formatKnownIssue(issue: LoadedIssue): string {
  const out: string[] = [
    `# ${issue.title}`,
    '',
    `- id: \`${issue.id}\``,
    `- family: \`${issue.family}\`${issue.layer === 'general' ? ' (general: the mechanism, with the differential)' : ''}`,
    `- severity: ${issue.severity}${issue.benign ? ' (benign: harmless line)' : ''}`,
    `- components: ${issue.components.join(', ')}`,
    ...(issue.usedBy.length > 0
      ? [`- at risk only where one of these is installed: ${issue.usedBy.join(', ')}`]
      : []),
    '',
    `**What happened.** ${issue.summary}`,
    '',
    '## Why',
    '',
    issue.explanation.trim(),
    '',
  ];
  if (issue.conditions.length > 0) {
    out.push('## Affected when', '', '| condition | fixed in | source |', '| --- | --- | --- |');
    for (const condition of issue.conditions)
      out.push(
        `| ${cell(describe(condition))} | ${'fixed' in condition && condition.fixed ? cell(condition.fixed) : ''} | ${condition.source} |`,
      );
    out.push('');
  }
  if (issue.differential.length > 0) {
    out.push(
      '## What it can be',
      '',
      '| cause | when | decide with | entry |',
      '| --- | --- | --- | --- |',
    );
    for (const cause of issue.differential)
      out.push(
        `| ${cell(cause.cause)} | ${cell(cause.when.map(describe).join('; ') || 'the facts do not say')} | \`${cell(cause.check)}\` | ${cause.entry ? `\`${cause.entry}\`` : ''} |`,
      );
    out.push('');
  }
  out.push('## Fix', '', issue.fix.trim(), '');
  if (issue.workarounds.length > 0) {
    out.push('## Workarounds', '');
    for (const workaround of issue.workarounds) {
      out.push(
        `- ${workaround.text.trim()}${workaround.cost ? ` Cost: ${workaround.cost}` : ''}${workaround.verified ? '' : ' *(not verified upstream)*'}`,
      );
    }
    out.push('');
  }
  if (issue.ruledOutHint)
    out.push('## When the facts rule it out', '', issue.ruledOutHint.trim(), '');
  if (issue.unverified.length > 0)
    out.push('## Not verified upstream', '', ...issue.unverified.map((claim) => `- ${claim}`), '');
  out.push('## Signatures', '');
  if (issue.signatures.length === 0)
    out.push('None: a check-only entry, decided from facts by `kcompat check`.');
  for (const signature of issue.signatures)
    out.push(
      `- \`${signature.name}\`${signature.role === 'consequence' ? ' (a consequence line)' : ''}: \`${signature.pattern}\``,
    );
  out.push('');
  if (issue.examples.length > 0) out.push('## Examples', '');
  for (const example of issue.examples)
    out.push(`From <${example.source}>:`, '', fence(example.text.trimEnd()), '');
  if (issue.nearMisses.length > 0) {
    out.push('## Near-misses (must not match)', '');
    for (const nearMiss of issue.nearMisses)
      out.push(
        `${nearMiss.why}${nearMiss.family && nearMiss.family !== 'none' ? ` (family \`${nearMiss.family}\`)` : ''}${nearMiss.source ? ` (<${nearMiss.source}>)` : ''}:`,
        '',
        fence(nearMiss.text.trimEnd()),
        '',
      );
  }
  out.push(
    '## References',
    '',
    ...issue.references.map(
      (ref) => `- ${ref.kind}: <${ref.url}>${ref.title ? ` ${ref.title}` : ''}`,
    ),
  );
  if (issue.related.length > 0)
    out.push('', `Related: ${issue.related.map((id) => `\`${id}\``).join(', ')}`);
  return `${out.join('\n')}\n`;
}

function describe(condition: Condition): string {
  if ('component' in condition)
    return `${condition.component} ${[condition.affected].flat().join(' or ')}`;
  if ('kernel' in condition) {
    const feature = condition.feature
      ? `, or probed ${condition.feature.fact} = ${String(condition.feature.equals)}`
      : '';
    return `kernel ${[condition.kernel].flat().join(' or ')}${feature}`;
  }
  const predicate = Object.entries(condition)
    .filter(([key]) => !['fact', 'note', 'source'].includes(key))
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`)
    .join(', ');
  return `${condition.fact} ${predicate}`;
}
