// Builds small in-memory knowledge bases from YAML text for engine and loader tests.
import {
  parseKnownIssue,
  type KbProblem,
  type KnowledgeBase,
  type LoadedIssue,
} from '../src/kb/load.js';

export function kbFromYaml(...entries: string[]): KnowledgeBase {
  const problems: KbProblem[] = [];
  const issues = entries
    .map((text) => {
      const id = /^id: (\S+)/m.exec(text)?.[1] ?? 'unnamed';
      return parseKnownIssue(text, `${id}.yaml`, problems);
    })
    .filter((issue): issue is LoadedIssue => issue !== undefined);
  if (problems.length > 0)
    throw new Error(problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  return { issues, byId: new Map(issues.map((issue) => [issue.id, issue])) };
}

/** A minimal valid entry; `extra` is appended YAML (conditions, benign...). */
export function entryYaml(id: string, pattern: string, extra = '', priority = 0): string {
  return `id: ${id}
family: ${id}
title: ${id} title
severity: error
components: [demo]
summary: ${id} happened
explanation: because of ${id}
signatures:
  - name: ${id}-sig
    pattern: '${pattern}'
    priority: ${priority}
fix: fix ${id}
references:
  - url: https://example.org/${id}
    kind: issue
examples:
  - text: 'example for ${id}'
    source: https://example.org/${id}
${extra}`;
}
