// Knowledge-base directories as loaded before: entries parsed, validated and with their literals
// derived, in one JSON file, so that a run reads that file instead of parsing YAML (the YAML
// library takes about 0.4 ms an entry: 4 s for an operator's 10,000). A cache is used only while
// every *.yaml file of its directory is the one it was built from (same names, modification times
// and sizes) and the build of kcompat that wrote it is the one reading it. The built-in entries'
// cache is written by `npm run build` (dist/kb-cache.json); an operator's directory gets one in
// the user's cache directory (XDG_CACHE_HOME, or ~/.cache), written after a clean load.
// KCOMPAT_CACHE_DIR moves it, KCOMPAT_CACHE=off turns it off; a cache that cannot be written is
// skipped, never an error.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSignatureRegExp } from '../core/linear-regex.js';
import type { CompiledSignature, LoadedIssue } from './types.js';

export const BUILTIN_CACHE = fileURLToPath(new URL('../../dist/kb-cache.json', import.meta.url));
export const BUILTIN_KB_DIR = fileURLToPath(new URL('../../kb', import.meta.url));

/** Changes when what a cache holds changes shape. */
const CACHE_FORMAT = 3;

type CachedSignature = Omit<CompiledSignature, 'regex' | 'startRegex' | 'excludeRegex'>;
type CachedIssue = Omit<LoadedIssue, 'signatures' | 'file'> & {
  file: string;
  signatures: CachedSignature[];
};

interface EntryCache {
  format: number;
  /** The build that wrote it: the built-in cache's modification time (every build rewrites it). */
  build: number | null;
  /** Per file name: modification time and size. */
  files: Record<string, [number, number]>;
  issues: CachedIssue[];
}

/** The *.yaml files of a directory with their modification times and sizes. */
export function entryFiles(dir: string): Record<string, [number, number]> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => {
        const stat = statSync(join(dir, name));
        return [name, [stat.mtimeMs, stat.size]];
      }),
  );
}

function currentBuild(): number | null {
  try {
    return statSync(BUILTIN_CACHE).mtimeMs;
  } catch {
    return null;
  }
}

/** The entries of a directory from its cache, or undefined when there is none or it is stale. */
export function readEntryCache(
  cacheFile: string,
  dir: string,
  builtin: boolean,
): LoadedIssue[] | undefined {
  let cache: EntryCache;
  let files: Record<string, [number, number]>;
  try {
    cache = JSON.parse(readFileSync(cacheFile, 'utf8')) as EntryCache;
    files = entryFiles(dir);
  } catch {
    return undefined;
  }
  const names = Object.keys(files);
  if (
    cache.format !== CACHE_FORMAT ||
    (!builtin && cache.build !== currentBuild()) ||
    names.length !== Object.keys(cache.files).length ||
    names.some((name) => {
      const cached = cache.files[name];
      return !cached || cached[0] !== files[name]![0] || cached[1] !== files[name]![1];
    })
  )
    return undefined;
  // Regexes are rebuilt from the sources checked when the cache was written: built-in ones run in
  // irregexp, an operator's in the linear-time engine (src/core/linear-regex.ts).
  const regex = (source: string) => compileSignatureRegExp(source, !builtin);
  return cache.issues.map((issue) => ({
    ...issue,
    file: join(dir, issue.file),
    signatures: issue.signatures.map((signature) => ({
      ...signature,
      regex: regex(signature.compiled.pattern),
      ...(signature.compiled.start !== undefined
        ? { startRegex: regex(signature.compiled.start) }
        : {}),
      ...(signature.compiled.exclude !== undefined
        ? { excludeRegex: regex(signature.compiled.exclude) }
        : {}),
    })),
  }));
}

/** Writes a directory's cache (atomically: a reader never sees half a file); false when it cannot. */
export function writeEntryCache(
  cacheFile: string,
  dir: string,
  issues: readonly LoadedIssue[],
  builtin: boolean,
): boolean {
  const cache: EntryCache = {
    format: CACHE_FORMAT,
    build: builtin ? null : currentBuild(),
    files: entryFiles(dir),
    issues: issues.map((issue) => ({
      ...issue,
      file: issue.file.slice(dir.length + 1),
      signatures: issue.signatures.map(
        ({ regex: _regex, startRegex: _start, excludeRegex: _exclude, ...rest }) => rest,
      ),
    })),
  };
  try {
    mkdirSync(join(cacheFile, '..'), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(cache));
    renameSync(temporary, cacheFile);
    return true;
  } catch {
    return false;
  }
}

/** Where an operator's directory is cached, or null when caching is off or has no place. */
export function userCachePath(realDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.KCOMPAT_CACHE === 'off') return null;
  const base =
    env.KCOMPAT_CACHE_DIR ||
    (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'kcompat') : null) ||
    (homedir() ? join(homedir(), '.cache', 'kcompat') : null);
  if (!base) return null;
  const key = createHash('sha256').update(realDir).digest('hex').slice(0, 16);
  return join(base, `kb-${key}.json`);
}

/**
 * The built-in knowledge base from the build's cache, or undefined when it is missing or stale.
 * Start-up then reads one JSON file, loading neither the YAML parser nor the schema library.
 */
export function builtinKnowledgeBase(): { issues: LoadedIssue[]; byId: Map<string, LoadedIssue> } | undefined {
  const issues = readEntryCache(BUILTIN_CACHE, BUILTIN_KB_DIR, true);
  return issues ? { issues, byId: new Map(issues.map((issue) => [issue.id, issue])) } : undefined;
}
