// The config file's schema and parser: `.kcompat.yaml` in the working directory, or the file
// KCOMPAT_CONFIG names (src/cli/report-options.ts finds it, and loads this module only when there
// is one). It holds knowledge-base directories, ignore entries and defaults for the report
// options; command-line flags win over it. An unknown key or a bad value is one line and exit 2.
import { isAbsolute, join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { SEVERITIES, type Severity } from '../kb/severity.js';
import { VERDICTS, type Verdict } from '../core/report.js';
import {
  dateProblem,
  FilterValueError,
  parseIgnoreEntry,
  parseVerdicts,
  type IgnoreEntry,
} from '../core/report-filter.js';
import { UsageError } from './errors.js';

const IgnoreSchema = z.union([
  z.string(),
  z.strictObject({
    id: z.string(),
    exp: z.string().optional(),
    /** Why the risk is accepted: for the reader of the file, not used. */
    reason: z.string().optional(),
  }),
]);

export const ConfigSchema = z.strictObject({
  /** Knowledge-base directories loaded besides the built-in one (as --kb), relative to the file. */
  kb: z.array(z.string().min(1)).optional(),
  /** Accepted risks: "ID", "ID exp:YYYY-MM-DD", or { id, exp, reason }. */
  ignore: z.array(IgnoreSchema).optional(),
  /** An ignore file (as --ignore-file), relative to the config file. */
  ignoreFile: z.string().min(1).optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  /** One verdict, a list, or "confirmed,likely". */
  verdict: z.union([z.enum(VERDICTS), z.array(z.enum(VERDICTS)).min(1), z.string()]).optional(),
  failOn: z.enum(VERDICTS).optional(),
  format: z.enum(['text', 'json', 'markdown']).optional(),
});

/** The config as the options read it: paths joined to the file's directory. */
export interface Config {
  /** The file it came from, as the user named it (for messages). */
  file: string;
  kb: string[];
  ignore: IgnoreEntry[];
  ignoreFile?: string;
  minSeverity?: Severity;
  verdicts?: Verdict[];
  failOn?: Verdict;
  format?: 'text' | 'json' | 'markdown';
}

/**
 * Parses a config file's text. Its relative paths are joined to `dir`, its directory as the user
 * names it (relative to the working directory, or absolute), so messages show them that way.
 * Throws UsageError in one line.
 */
export function parseConfig(text: string, file: string, dir: string): Config {
  const under = (path: string) => (isAbsolute(path) ? path : join(dir, path));
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    logLevel: 'error',
  });
  const at = (offset: number | undefined) =>
    `${file}:${offset === undefined ? 1 : lineCounter.linePos(offset).line}`;
  const first = doc.errors[0];
  if (first) throw new UsageError(`${at(first.pos[0])}: YAML: ${first.message.split('\n')[0]}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw new UsageError(`${file}: YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path as (string | number)[];
    let node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
    // An unknown key: the line of the key itself.
    if (issue.code === 'unrecognized_keys' && isMap(node))
      node = node.items.find((pair) => isScalar(pair.key) && pair.key.value === issue.keys[0])?.key;
    const offset = (node as { range?: [number, number, number] | null } | undefined)?.range?.[0];
    const key = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${issue.keys.map((name) => JSON.stringify(name)).join(', ')}; the keys are ${Object.keys(ConfigSchema.shape).join(', ')}`
        : issue.message;
    throw new UsageError(`${at(offset)}: ${key}${message.split('\n')[0]}`);
  }
  const config = parsed.data;
  try {
    const ignore = (config.ignore ?? []).flatMap((item, index) => {
      const where = `${file}: ignore.${index}`;
      if (typeof item === 'string') {
        const entry = parseIgnoreEntry(item, where);
        return entry ? [{ ...entry, from: file }] : [];
      }
      const entry = parseIgnoreEntry(item.id, where);
      if (!entry) throw new FilterValueError(`${where}: no id`);
      if (item.exp !== undefined) {
        const problem = dateProblem(item.exp);
        if (problem) throw new FilterValueError(`${where}: exp: ${problem}`);
      }
      return [
        { id: entry.id, from: file, ...(item.exp !== undefined ? { expires: item.exp } : {}) },
      ];
    });
    const verdicts =
      config.verdict === undefined
        ? undefined
        : Array.isArray(config.verdict)
          ? config.verdict
          : parseVerdicts(config.verdict, `${file}: verdict`);
    return {
      file,
      kb: (config.kb ?? []).map(under),
      ignore,
      ...(config.ignoreFile ? { ignoreFile: under(config.ignoreFile) } : {}),
      ...(config.minSeverity ? { minSeverity: config.minSeverity } : {}),
      ...(verdicts ? { verdicts } : {}),
      ...(config.failOn ? { failOn: config.failOn } : {}),
      ...(config.format ? { format: config.format } : {}),
    };
  } catch (error) {
    if (error instanceof FilterValueError) throw new UsageError(error.message);
    throw error;
  }
}
