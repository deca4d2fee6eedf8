// Loads and validates the catalogue of verifier messages, data/verifier-messages.yaml.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { VERIFIER_LIMITS, type CatalogueEntry } from './catalogue.js';

export const CATALOGUE_PATH = fileURLToPath(
  new URL('../../data/verifier-messages.yaml', import.meta.url),
);

export const CatalogueEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/),
  pattern: z.string().min(1),
  title: z.string().min(1),
  meaning: z.string().min(1).describe('{capture} placeholders are filled from the pattern'),
  errno: z
    .string()
    .regex(/^E[A-Z0-9]+$/)
    .describe('the errno the kernel returns with it'),
  otherErrnos: z
    .array(
      z.strictObject({
        errno: z.string().regex(/^E[A-Z0-9]+$/),
        when: z.string().min(1).describe('the kernels that return this one instead'),
        source: z.url(),
        verified: z
          .boolean()
          .default(true)
          .describe('false when the first release is not confirmed'),
      }),
    )
    .default([])
    .describe('other errnos some kernels return with the same message'),
  limit: z.enum(VERIFIER_LIMITS).optional(),
  fixes: z.array(z.string().min(1)).min(1),
  source: z.url(),
  where: z.string().min(1).describe('the kernel function that prints it'),
  reproduced: z.boolean().default(false),
});

let cached: CatalogueEntry[] | undefined;

export function loadCatalogue(path = CATALOGUE_PATH): CatalogueEntry[] {
  if (cached && path === CATALOGUE_PATH) return cached;
  const entries = z.array(CatalogueEntrySchema).parse(parse(readFileSync(path, 'utf8')));
  const compiled = entries.map((entry) => ({ ...entry, regex: new RegExp(entry.pattern) }));
  if (path === CATALOGUE_PATH) cached = compiled;
  return compiled;
}
