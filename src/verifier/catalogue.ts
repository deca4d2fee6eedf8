// The catalogue of verifier messages (data/verifier-messages.yaml): loaded and validated once,
// each pattern compiled. Pure: reads only the catalogue file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

export const CATALOGUE_PATH = fileURLToPath(
  new URL('../../data/verifier-messages.yaml', import.meta.url),
);

export const VERIFIER_LIMITS = [
  'processed-insns', // BPF_COMPLEXITY_LIMIT_INSNS: 1M since 5.2
  'program-size', // BPF_MAXINSNS: 4096 instructions for unprivileged loaders (and before 5.2)
  'jump-sequence', // BPF_COMPLEXITY_LIMIT_JMP_SEQ: 8192 pending branches
  'stack-size', // MAX_BPF_STACK: 512 bytes
  'combined-stack', // 512 bytes over a chain of BPF-to-BPF calls
] as const;
export type VerifierLimit = (typeof VERIFIER_LIMITS)[number];

const CatalogueEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  pattern: z.string().min(1),
  title: z.string().min(1),
  meaning: z.string().min(1).describe('{capture} placeholders are filled from the pattern'),
  errno: z.string().regex(/^E[A-Z0-9]+$/),
  limit: z.enum(VERIFIER_LIMITS).optional(),
  fixes: z.array(z.string().min(1)).min(1),
  source: z.url(),
  where: z.string().min(1).describe('the kernel function that prints it'),
  reproduced: z.boolean().default(false),
});
export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema> & { regex: RegExp };

let cached: CatalogueEntry[] | undefined;

export function loadCatalogue(path = CATALOGUE_PATH): CatalogueEntry[] {
  if (cached && path === CATALOGUE_PATH) return cached;
  const entries = z.array(CatalogueEntrySchema).parse(parse(readFileSync(path, 'utf8')));
  const compiled = entries.map((entry) => ({ ...entry, regex: new RegExp(entry.pattern) }));
  if (path === CATALOGUE_PATH) cached = compiled;
  return compiled;
}

/** The catalogue entry whose pattern matches the message, with its captures. */
export function lookupMessage(
  message: string,
  catalogue: readonly CatalogueEntry[],
): { entry: CatalogueEntry; captures: Record<string, string> } | undefined {
  for (const entry of catalogue) {
    const found = entry.regex.exec(message);
    if (!found) continue;
    const captures: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {}))
      if (value !== undefined) captures[name] = value;
    return { entry, captures };
  }
  return undefined;
}

/** Fills `{name}` placeholders from the captures. */
export function fillPlaceholders(text: string, captures: Record<string, string>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => captures[name] ?? whole);
}
