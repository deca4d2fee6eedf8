// Writes the JSON Schemas in schema/: the known-issue schema from the zod schema in
// src/kb/schema.ts, and the schemas of what `--format json` prints from the TypeScript types the
// formatters serialise (ts-json-schema-generator), so that the documented contract is the code's.
// A test fails when a committed file differs from what this renders.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { knownIssueJsonSchema } from '../src/kb/schema.js';

const schemaPath = (name: string) =>
  fileURLToPath(new URL(`../schema/${name}.schema.json`, import.meta.url));

export const SCHEMA_PATH = schemaPath('known-issue');

/** The JSON outputs: schema file name, the type, and the source file that declares it. */
export const OUTPUT_SCHEMAS = [
  { name: 'report', type: 'Report', source: 'src/core/report.ts', command: 'why, check' },
  { name: 'facts', type: 'FactsDocument', source: 'src/report/json.ts', command: 'probe' },
  {
    name: 'verifier-report',
    type: 'VerifierReport',
    source: 'src/verifier/explain.ts',
    command: 'verifier',
  },
] as const;

export type OutputSchemaName = (typeof OUTPUT_SCHEMAS)[number]['name'];

export function outputSchemaPath(name: OutputSchemaName): string {
  return schemaPath(name);
}

export function renderSchema(): string {
  return `${JSON.stringify(knownIssueJsonSchema(), null, 2)}\n`;
}

/** Each output schema's text, keyed by name. Takes a second or two: it compiles the sources. */
export async function renderOutputSchemas(): Promise<Map<OutputSchemaName, string>> {
  const { createGenerator } = await import('ts-json-schema-generator');
  const root = fileURLToPath(new URL('..', import.meta.url));
  const rendered = new Map<OutputSchemaName, string>();
  for (const output of OUTPUT_SCHEMAS) {
    const generator = createGenerator({
      path: `${root}${output.source}`,
      tsconfig: `${root}tsconfig.json`,
      type: output.type,
      skipTypeCheck: true,
      additionalProperties: false,
      topRef: false,
    });
    const schema = {
      $id: `urn:kcompat:schema:${output.name}:1`,
      title: `kcompat ${output.command} --format json`,
      ...generator.createSchema(output.type),
    };
    rendered.set(output.name, `${JSON.stringify(schema, null, 2)}\n`);
  }
  return rendered;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_PATH, renderSchema());
  console.log(`wrote ${SCHEMA_PATH}`);
  for (const [name, text] of await renderOutputSchemas()) {
    writeFileSync(outputSchemaPath(name), text);
    console.log(`wrote ${outputSchemaPath(name)}`);
  }
}
