// The schema of a --facts file: what `kcompat probe --format json` prints, or the bare facts
// object. Kept apart from facts.ts so that commands that never read one do not load zod.
import { z } from 'zod';
import type { Fact, Facts } from './facts.js';

const FactValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);

const FactSchema: z.ZodType<Fact> = z.union([
  z.strictObject({ value: FactValueSchema, source: z.string() }),
  z.strictObject({ unknown: z.string() }),
]);

const FACT_KEY = /^[a-zA-Z][\w-]*(\.[\w@+-]+)+$/;
const FactsSchema: z.ZodType<Facts> = z.record(
  z.string().regex(FACT_KEY, 'a fact key is dotted, like kernel.upstream'),
  FactSchema,
);

const FactsFileSchema = z.union([
  z.object({ schemaVersion: z.literal(1), facts: FactsSchema }).loose(),
  FactsSchema,
]);

/** Validates parsed JSON as facts; returns the facts or the first problem in words. */
export function parseFactsFile(json: unknown): { facts: Facts } | { problem: string } {
  const parsed = FactsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${issue.path.join('.') || 'top level'}: ${issue.message}` };
  }
  const data = parsed.data as { schemaVersion?: unknown; facts?: unknown };
  return {
    facts: (data.schemaVersion === 1 && typeof data.facts === 'object'
      ? data.facts
      : data) as Facts,
  };
}
