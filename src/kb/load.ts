// Reads known-issue YAML files, validates them against the schema and compiles their regexes.
// Every problem is reported as file:line with the reason, so operators can fix their own
// entries without reading code.
import { rawPieces, requiredLiterals } from './literals.js';
import { foldCase } from './case-fold.js';
import { expandPlaceholders, spelledErrno } from './placeholders.js';
import { compileSignatureRegExp } from '../core/linear-regex.js';
import {
  BUILTIN_CACHE,
  BUILTIN_KB_DIR,
  readEntryCache,
  userCachePath,
  writeEntryCache,
} from './entry-cache.js';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { readBoundedSync } from '../io/bounded-read.js';
import { basename, join, resolve } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { KnownIssueSchema, type Signature } from './schema.js';
import { componentVersionKey } from '../core/facts.js';
import { parseRange } from '../core/versions.js';

export { BUILTIN_KB_DIR } from './entry-cache.js';

/** Flow collections ([...], {...}) nested deeper than this are refused before parsing. */
const MAX_FLOW_NESTING = 64;

/** Files above this size are not knowledge-base entries; refuse them rather than parse them. */
const MAX_ENTRY_BYTES = 1024 * 1024;

export interface KbProblem {
  file: string;
  line: number;
  message: string;
}

import type { CompiledSignature, KnowledgeBase, LoadedIssue } from './types.js';
export type { CompiledSignature, KnowledgeBase, LoadedIssue } from './types.js';

export class KbLoadError extends Error {
  constructor(readonly problems: KbProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(problem: KbProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/**
 * Compiles a signature's regexes; throws a message when one is unusable. An operator's entry runs
 * in the linear-time engine or is refused here; a built-in one in irregexp (src/core/linear-regex.ts).
 */
export function compileSignature(signature: Signature, builtin = false): CompiledSignature {
  const compile = (what: string, pattern: string) => {
    let regex: RegExp;
    try {
      const { source } = expandPlaceholders(pattern);
      regex = compileSignatureRegExp(signature.ignoreCase ? foldCase(source) : source, !builtin);
    } catch (error) {
      throw new Error(`${what} of ${signature.name}: ${(error as Error).message}`);
    }
    if (regex.test('')) throw new Error(`${what} of ${signature.name} matches the empty string`);
    return regex;
  };
  for (const [what, pattern] of [
    ['pattern', signature.pattern],
    ['start', signature.start],
  ] as const) {
    const spelled = pattern === undefined ? null : spelledErrno(pattern);
    if (spelled) throw new Error(`${what} of ${signature.name}: ${spelled}`);
  }
  const regex = compile('pattern', signature.pattern);
  const startRegex = signature.start === undefined ? undefined : compile('start', signature.start);
  const excludeRegex =
    signature.exclude === undefined ? undefined : compile('exclude', signature.exclude);
  return {
    ...signature,
    regex,
    ...(startRegex ? { startRegex } : {}),
    ...(excludeRegex ? { excludeRegex } : {}),
    compiled: {
      pattern: regex.source,
      ...(startRegex ? { start: startRegex.source } : {}),
      ...(excludeRegex ? { exclude: excludeRegex.source } : {}),
    },
    literals: requiredLiterals(
      expandPlaceholders(signature.start ?? signature.pattern).source,
      signature.ignoreCase,
    ),
  };
}

/** Parses and validates one entry from its YAML text. Problems are collected, not thrown. */
export function parseKnownIssue(
  yamlText: string,
  file: string,
  problems: KbProblem[],
  builtin = false,
  factKeys?: ReadonlySet<string>,
): LoadedIssue | undefined {
  // Deeply nested flow collections ([[[[...]]]]) make the YAML library recurse and allocate
  // far beyond the file's size; an entry needs a few levels.
  const depth = flowNesting(yamlText);
  if (depth.depth > MAX_FLOW_NESTING) {
    problems.push({
      file,
      line: depth.line,
      message: `YAML: collections nested more than ${MAX_FLOW_NESTING} levels deep; a known-issue entry needs a few`,
    });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error', // a warning would go to stderr as a Node process warning
  });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({ file, line: lineOf(error.pos[0]), message: `YAML: ${firstLine(error.message)}` });
    }
    return undefined;
  }
  let data: unknown;
  try {
    // Throws on an alias with no anchor and on alias expansion past maxAliasCount (a YAML bomb).
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    problems.push({ file, line: 1, message: `YAML: ${firstLine((error as Error).message)}` });
    return undefined;
  }
  // A file that is not an entry at all (a .yaml symlink to something else) is said so in one line,
  // without echoing its keys or values.
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !('id' in data)) {
    problems.push({ file, line: 1, message: 'not a known-issue entry: no "id" at the top level' });
    return undefined;
  }
  const parsed = KnownIssueSchema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      problems.push({ file, line: lineAt(doc, issue.path, lineOf), message: oneLine(`${where}${issue.message}`) });
    }
    return undefined;
  }
  const entry = parsed.data;
  const before = problems.length;
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (entry.id !== expectedId) {
    problems.push({
      file,
      line: lineAt(doc, ['id'], lineOf),
      message: `id "${entry.id}" must equal the file name "${expectedId}"`,
    });
  }
  const signatures: CompiledSignature[] = [];
  entry.signatures.forEach((signature, index) => {
    try {
      const compiled = compileSignature(signature, builtin);
      // Without a literal of three or more characters in every match, every line of every log
      // would run the full regexes (src/core/log-scanner.ts): 15 times slower on a large log.
      if (builtin && rawPieces(compiled.literals) === null)
        throw new Error(
          `pattern of ${signature.name}: no literal of 3+ characters that every match contains, so no log line could skip it: name the operation with fixed text`,
        );
      signatures.push(compiled);
    } catch (error) {
      problems.push({
        file,
        line: lineAt(doc, ['signatures', index, 'pattern'], lineOf),
        message: `signatures.${index}: ${(error as Error).message}`,
      });
    }
  });
  entry.conditions.forEach((condition, index) => {
    const rangeList = 'component' in condition ? condition.affected : 'kernel' in condition ? condition.kernel : [];
    for (const text of typeof rangeList === 'string' ? [rangeList] : rangeList) {
      if (!parseRange(text)) {
        problems.push({
          file,
          line: lineAt(doc, ['conditions', index], lineOf),
          message: `conditions.${index}: "${text}" is not a version range`,
        });
      }
    }
  });
  if (factKeys)
    entry.conditions.forEach((condition, index) => {
      const key =
        'component' in condition
          ? componentVersionKey(condition.component)
          : 'kernel' in condition
            ? condition.feature?.fact
            : condition.fact;
      if (key !== undefined && !factKeys.has(key))
        problems.push({
          file,
          line: lineAt(doc, ['conditions', index], lineOf),
          message: `conditions.${index}: no fact "${key}": kcompat probe does not collect it, so the condition could never be decided (kcompat probe --format json lists the facts)`,
        });
    });
  if (problems.length > before) return undefined;
  return { ...entry, signatures, file, builtin };
}

/** Loads every *.yaml file of the directories; throws KbLoadError listing all problems. */
export function loadKnowledgeBase(
  userDirs: readonly string[] = [],
  {
    includeBuiltin = true,
    useCache = true,
    factKeys,
  }: {
    includeBuiltin?: boolean;
    useCache?: boolean;
    /** The fact keys conditions may name (src/host/fact-keys.ts); unchecked when absent. */
    factKeys?: ReadonlySet<string>;
  } = {},
): KnowledgeBase {
  const problems: KbProblem[] = [];
  const issues: LoadedIssue[] = [];
  // A directory named twice (--kb and KCOMPAT_KB, or through a symlink) is loaded once.
  const seen = new Set<string>();
  const dirs = [
    ...(includeBuiltin ? [{ dir: BUILTIN_KB_DIR, builtin: true }] : []),
    ...userDirs.map((dir) => ({ dir: resolve(dir), builtin: false })),
  ].filter(({ dir }) => {
    const real = realDir(dir);
    if (seen.has(real)) return false;
    seen.add(real);
    return true;
  });
  for (const { dir, builtin } of dirs) {
    // A directory loaded before comes from its cache (src/kb/entry-cache.ts); lint never uses it.
    const cacheFile = !useCache ? null : builtin ? BUILTIN_CACHE : userCachePath(realDir(dir));
    const cached = cacheFile ? readEntryCache(cacheFile, dir, builtin) : undefined;
    if (cached) {
      issues.push(...cached);
      continue;
    }
    const before = problems.length;
    const loaded: LoadedIssue[] = [];
    for (const file of listEntryFiles(dir, problems)) {
      const yamlText = readEntry(file, problems);
      if (yamlText === undefined) continue;
      const issue = parseKnownIssue(yamlText, file, problems, builtin, factKeys);
      if (issue) loaded.push(issue);
    }
    issues.push(...loaded);
    if (cacheFile && !builtin && problems.length === before)
      writeEntryCache(cacheFile, dir, loaded, false);
  }
  const byId = new Map<string, LoadedIssue>();
  for (const issue of issues) {
    const previous = byId.get(issue.id);
    if (previous) {
      problems.push({ file: issue.file, line: 1, message: `duplicate id "${issue.id}" (also in ${previous.file})` });
      continue;
    }
    byId.set(issue.id, issue);
  }
  for (const issue of issues) {
    for (const related of issue.related) {
      if (!byId.has(related)) {
        problems.push({ file: issue.file, line: 1, message: `related id "${related}" does not exist` });
      }
    }
  }
  if (problems.length > 0) throw new KbLoadError(problems);
  return { issues: [...byId.values()], byId };
}

/** Writes dist/kb-cache.json from kb/ (the build calls this; src/kb/entry-cache.ts reads it). */
export function writeBuiltinCache(factKeys?: ReadonlySet<string>): void {
  const kb = loadKnowledgeBase([], {
    includeBuiltin: true,
    useCache: false,
    ...(factKeys ? { factKeys } : {}),
  });
  if (!writeEntryCache(BUILTIN_CACHE, BUILTIN_KB_DIR, kb.issues, true))
    throw new Error(`cannot write ${BUILTIN_CACHE}`);
}

/** User KB directories from --kb flags and the KCOMPAT_KB variable (colon-separated). */
export function userKbDirs(flags: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = (env.KCOMPAT_KB ?? '').split(':').filter((dir) => dir.length > 0);
  return [...fromEnv, ...flags];
}

function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir; // it cannot be read: listing it will say why
  }
}

function listEntryFiles(dir: string, problems: KbProblem[]): string[] {
  try {
    if (!statSync(dir).isDirectory()) {
      problems.push({ file: dir, line: 1, message: 'not a directory' });
      return [];
    }
    return readdirSync(dir)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(dir, name));
  } catch (error) {
    problems.push({ file: dir, line: 1, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
    return [];
  }
}

function readEntry(file: string, problems: KbProblem[]): string | undefined {
  // Bounded by what is read, not by stat(): a .yaml that is a device or a FIFO is refused.
  const read = readBoundedSync(file, MAX_ENTRY_BYTES);
  if (!read.ok) {
    problems.push({
      file,
      line: 1,
      message: read.reason.startsWith('more than')
        ? `${read.reason}: too large for a known-issue entry`
        : `cannot read (${read.reason})`,
    });
    return undefined;
  }
  if (read.data.includes(0)) {
    problems.push({ file, line: 1, message: 'binary file (contains NUL bytes), not YAML' });
    return undefined;
  }
  return read.data.toString('utf8');
}

/** The line of the deepest YAML node on the path that exists. */
function lineAt(
  doc: Document,
  path: readonly PropertyKey[],
  lineOf: (offset: number | undefined) => number,
): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineOf(node.range[0]);
  }
  return 1;
}

/** A message on one line and of a readable length (zod quotes whole keys, which may be YAML collections). */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/**
 * The deepest nesting of [ and { in the text, and the line where it is reached. Quoted strings are
 * skipped; brackets in block scalars are counted too, which only errs towards a deeper count (a
 * real entry's texts are far from 64 unclosed brackets).
 */
function flowNesting(text: string): { depth: number; line: number } {
  let depth = 0;
  let deepest = 0;
  let line = 1;
  let deepestLine = 1;
  let quote: string | null = null;
  for (let at = 0; at < text.length; at++) {
    const char = text[at]!;
    if (char === '\n') {
      line++;
      quote = null; // an unclosed quote on a line of plain text is not a YAML string
      continue;
    }
    if (quote) {
      if (char === '\\' && quote === '"') at++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '[' || char === '{') {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        deepestLine = line;
        if (deepest > MAX_FLOW_NESTING) break;
      }
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return { depth: deepest, line: deepestLine };
}
