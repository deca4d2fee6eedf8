// The built-in knowledge base as the build left it (dist/kb-cache.json): parsed, validated and
// with its literals derived by `npm run build` (writeBuiltinCache in load.ts), so that start-up
// reads one JSON file and loads neither the YAML parser nor the schema library. It is used only
// while every kb/*.yaml file is the one it was built from (same names and modification times).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSignatureRegExp } from '../core/linear-regex.js';
import type { CompiledSignature, KnowledgeBase, LoadedIssue } from './load.js';

export const BUILTIN_CACHE = fileURLToPath(new URL('../../dist/kb-cache.json', import.meta.url));
export const BUILTIN_KB_DIR = fileURLToPath(new URL('../../kb', import.meta.url));

export interface BuiltinCache {
  files: Record<string, number>;
  issues: (Omit<LoadedIssue, 'signatures' | 'file'> & {
    file: string;
    signatures: Omit<CompiledSignature, 'regex' | 'startRegex' | 'excludeRegex'>[];
  })[];
}

/** Built-in signatures run in irregexp (src/core/linear-regex.ts), checked when the cache was built. */
function builtinRegExp(source: string): RegExp {
  return compileSignatureRegExp(source, false);
}

export function builtinFiles(dir = BUILTIN_KB_DIR): Record<string, number> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .sort()
      .map((name) => [name, statSync(join(dir, name)).mtimeMs]),
  );
}

export function readBuiltinCache(dir = BUILTIN_KB_DIR): LoadedIssue[] | undefined {
  let cache: BuiltinCache;
  try {
    cache = JSON.parse(readFileSync(BUILTIN_CACHE, 'utf8')) as BuiltinCache;
  } catch {
    return undefined;
  }
  const files = builtinFiles(dir);
  const names = Object.keys(files);
  if (
    names.length !== Object.keys(cache.files).length ||
    names.some((name) => cache.files[name] !== files[name])
  )
    return undefined;
  return cache.issues.map((issue) => ({
    ...issue,
    file: join(dir, issue.file),
    signatures: issue.signatures.map((signature) => ({
      ...signature,
      regex: builtinRegExp(signature.compiled.pattern),
      ...(signature.compiled.start !== undefined
        ? { startRegex: builtinRegExp(signature.compiled.start) }
        : {}),
      ...(signature.compiled.exclude !== undefined
        ? { excludeRegex: builtinRegExp(signature.compiled.exclude) }
        : {}),
    })),
  }));
}

/** The built-in knowledge base from the cache, or undefined when it is missing or stale. */
export function builtinKnowledgeBase(): KnowledgeBase | undefined {
  const issues = readBuiltinCache();
  return issues ? { issues, byId: new Map(issues.map((issue) => [issue.id, issue])) } : undefined;
}
