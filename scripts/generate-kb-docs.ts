// Writes the knowledge-base reference in docs/kb/: one page per entry (the same text as
// `kcompat kb show <id>`) and an index by family and by component. A test fails when the
// committed pages differ from what this renders (`npm run docs` regenerates them).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKnowledgeBase, type KnowledgeBase } from '../src/kb/load.js';
import { formatKnownIssue } from '../src/report/kb-entry.js';
import { cell } from '../src/report/markdown-blocks.js';

export const KB_DOCS_DIR = fileURLToPath(new URL('../docs/kb', import.meta.url));

/** File name -> content of every page of the reference. */
export function renderKbDocs(kb: KnowledgeBase = loadKnowledgeBase()): Map<string, string> {
  const pages = new Map<string, string>();
  for (const issue of kb.issues) pages.set(`${issue.id}.md`, formatKnownIssue(issue));
  pages.set('README.md', renderIndex(kb));
  return pages;
}

function renderIndex(kb: KnowledgeBase): string {
  const link = (id: string) => `[\`${id}\`](${id}.md)`;
  const group = (keyOf: (issue: KnowledgeBase['issues'][number]) => string[]) => {
    const groups = new Map<string, KnowledgeBase['issues']>();
    for (const issue of kb.issues)
      for (const key of keyOf(issue)) groups.set(key, [...(groups.get(key) ?? []), issue]);
    return [...groups].sort(([a], [b]) => a.localeCompare(b));
  };
  const out = [
    '# Knowledge-base reference',
    '',
    `Generated from \`kb/*.yaml\` by \`npm run docs\`; do not edit by hand. ${kb.issues.length} entries.`,
    'Each page is what `kcompat kb show <id>` prints.',
    '',
    '## By family',
    '',
    '| family | entry | severity | title |',
    '| --- | --- | --- | --- |',
  ];
  for (const [family, issues] of group((issue) => [issue.family]))
    for (const issue of issues)
      out.push(`| ${family} | ${link(issue.id)} | ${issue.severity} | ${cell(issue.title)} |`);
  out.push('', '## By component', '', '| component | entries |', '| --- | --- |');
  for (const [component, issues] of group((issue) => issue.components))
    out.push(`| ${component} | ${issues.map((issue) => link(issue.id)).join(', ')} |`);
  return `${out.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(KB_DOCS_DIR, { recursive: true });
  for (const stale of readdirSync(KB_DOCS_DIR)) rmSync(join(KB_DOCS_DIR, stale));
  const pages = renderKbDocs();
  for (const [name, content] of pages) writeFileSync(join(KB_DOCS_DIR, name), content);
  console.log(`wrote ${pages.size} pages to docs/kb/`);
}
