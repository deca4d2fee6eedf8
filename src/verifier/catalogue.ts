// The catalogue of verifier messages (data/verifier-messages.yaml): its entry type and the
// lookup of a message in it. Pure; catalogue-file.ts loads and validates the file.
import type { CatalogueEntrySchema } from './catalogue-file.js';
import type { z } from 'zod';

export const VERIFIER_LIMITS = [
  'processed-insns', // BPF_COMPLEXITY_LIMIT_INSNS: 1M since 5.2
  'program-size', // BPF_MAXINSNS: 4096 instructions for unprivileged loaders (and before 5.2)
  'jump-sequence', // BPF_COMPLEXITY_LIMIT_JMP_SEQ: 8192 pending branches
  'stack-size', // MAX_BPF_STACK: 512 bytes
  'combined-stack', // 512 bytes over a chain of BPF-to-BPF calls
] as const;
export type VerifierLimit = (typeof VERIFIER_LIMITS)[number];

export type CatalogueEntry = z.infer<typeof CatalogueEntrySchema> & { regex: RegExp };

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
