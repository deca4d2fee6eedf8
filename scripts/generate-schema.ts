// Writes schema/known-issue.schema.json from the zod schema in src/kb/schema.ts.
// A test fails when the committed file differs from what this prints.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { knownIssueJsonSchema } from '../src/kb/schema.js';

export const SCHEMA_PATH = fileURLToPath(
  new URL('../schema/known-issue.schema.json', import.meta.url),
);

export function renderSchema(): string {
  return `${JSON.stringify(knownIssueJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
}
