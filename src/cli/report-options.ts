// The report options of why, check and verifier: --min-severity, --verdict, --ignore,
// --ignore-file, --fail-on, -o/--output and -q/--quiet, resolved with the config file (flags win
// over it; lists add to it) into one ReportFilter for src/core/report-filter.ts, and the
// delivery of the formatted report (standard output, a file written atomically, or nothing).
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { FilterSummary } from '../core/filter-summary.js';
import type { Verdict } from '../core/report.js';
import {
  FilterValueError,
  parseIgnoreEntry,
  parseIgnoreFile,
  parseSeverity,
  parseVerdict,
  parseVerdicts,
  utcDay,
  type IgnoreEntry,
  type ReportFilter,
} from '../core/report-filter.js';
import { readBoundedSync } from '../io/bounded-read.js';
import { printable } from '../report/printable.js';
import type { Config } from './config.js';
import { UsageError } from './errors.js';
import { writeFileAtomic } from './output-file.js';

export const IGNORE_FILE = '.kcompatignore';
export const CONFIG_FILE = '.kcompat.yaml';
/** A config file is a few lines; anything far larger is not one. */
const MAX_CONFIG_BYTES = 1 << 20;
/** An ignore file is a list of ids; anything far larger is not one. */
const MAX_IGNORE_BYTES = 1 << 20;

export type Format = 'text' | 'json' | 'markdown';

/** The flags as commander gives them. */
export interface ReportFlags {
  format: Format;
  minSeverity?: string;
  verdict: string[];
  failOn?: string;
  ignore: string[];
  ignoreFile?: string;
  output?: string;
  quiet?: boolean;
}

export interface ReportOptions {
  filter: ReportFilter;
  failOn?: Verdict;
  /** The file -o names; undefined for standard output. */
  output?: string;
  quiet: boolean;
  format: Format;
  /** The config file's knowledge-base directories (before --kb and KCOMPAT_KB). */
  kbDirs: string[];
  /** The day ignore entries expire by (UTC). */
  today: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function addReportOptions(command: Command): Command {
  return command
    .option(
      '--min-severity <level>',
      'leave out findings below this severity: info, warning, error, critical',
    )
    .option(
      '--verdict <verdicts>',
      'keep only findings with these verdicts, e.g. confirmed,likely (repeatable)',
      collect,
      [],
    )
    .option(
      '--fail-on <verdict>',
      'exit 1 only for a finding at or above this verdict (confirmed > likely > at-risk > ruled-out > benign) left after the filters',
    )
    .option(
      '--ignore <id>',
      'ignore this finding id as an accepted risk; still counted (repeatable)',
      collect,
      [],
    )
    .option(
      '--ignore-file <file>',
      `read ids to ignore from FILE (default: ${IGNORE_FILE} here, when there is one)`,
    )
    .option(
      '-o, --output <file>',
      'write the report to FILE (atomically) instead of standard output',
    )
    .option('-q, --quiet', 'print nothing: the exit code is the answer');
}

/**
 * The config in effect: KCOMPAT_CONFIG's file (which must exist), else `.kcompat.yaml` in the
 * working directory when there is one, else none (KCOMPAT_CONFIG= with nothing reads none). The
 * YAML parser and the schema library are loaded only when there is a file.
 */
export async function loadConfig(cwd: string, env: NodeJS.ProcessEnv): Promise<Config | undefined> {
  const named = env.KCOMPAT_CONFIG;
  if (named === '') return undefined;
  const file = named ?? CONFIG_FILE;
  const path = resolve(cwd, file);
  const read = readBoundedSync(path, MAX_CONFIG_BYTES);
  if (!read.ok) {
    if (named === undefined && read.reason === 'ENOENT') return undefined;
    const what = named === undefined ? file : `KCOMPAT_CONFIG=${named}`;
    throw new UsageError(
      read.reason.startsWith('more than')
        ? `${what}: ${read.reason} is not a config file`
        : `${what}: cannot read (${read.reason})`,
    );
  }
  if (read.data.includes(0)) throw new UsageError(`${file}: binary file, not YAML`);
  const { parseConfig } = await import('./config.js');
  return parseConfig(read.data.toString('utf8'), file, dirname(file));
}

function readIgnoreFile(path: string, shown: string): IgnoreEntry[] {
  const read = readBoundedSync(path, MAX_IGNORE_BYTES);
  if (!read.ok)
    throw new UsageError(
      read.reason.startsWith('more than')
        ? `${shown}: ${read.reason} is not an ignore file`
        : `${shown}: cannot read (${read.reason})`,
    );
  if (read.data.includes(0)) throw new UsageError(`${shown}: binary file, not an ignore file`);
  return parseIgnoreFile(read.data.toString('utf8'), shown);
}

/**
 * The options in effect: each flag given wins over the config file's value, --ignore entries
 * and --kb directories add to the config file's. The ignore file is --ignore-file's, else the
 * config file's `ignoreFile`, else `.kcompatignore` in the working directory when there is one.
 */
export async function resolveReportOptions(
  flags: ReportFlags,
  command: Command,
  options: { cwd?: string; env?: NodeJS.ProcessEnv; now?: Date } = {},
): Promise<ReportOptions> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfig(cwd, options.env ?? process.env);
  try {
    const ignore: IgnoreEntry[] = [...(config?.ignore ?? [])];
    if (flags.ignoreFile !== undefined)
      ignore.push(...readIgnoreFile(resolve(cwd, flags.ignoreFile), flags.ignoreFile));
    else if (config?.ignoreFile !== undefined)
      ignore.push(...readIgnoreFile(resolve(cwd, config.ignoreFile), config.ignoreFile));
    else {
      const path = resolve(cwd, IGNORE_FILE);
      const probe = readBoundedSync(path, MAX_IGNORE_BYTES);
      if (probe.ok || probe.reason !== 'ENOENT') ignore.push(...readIgnoreFile(path, IGNORE_FILE));
    }
    for (const id of flags.ignore) {
      const entry = parseIgnoreEntry(id, '--ignore');
      if (!entry) throw new FilterValueError(`--ignore ${JSON.stringify(id)}: give a finding id`);
      ignore.push(entry);
    }
    const minSeverity =
      flags.minSeverity !== undefined
        ? parseSeverity(flags.minSeverity, '--min-severity')
        : config?.minSeverity;
    const verdicts =
      flags.verdict.length > 0
        ? flags.verdict.flatMap((text) => parseVerdicts(text, '--verdict'))
        : config?.verdicts;
    const failOn =
      flags.failOn !== undefined ? parseVerdict(flags.failOn, '--fail-on') : config?.failOn;
    const formatGiven = command.getOptionValueSource('format') !== 'default';
    const output = flags.output === '-' ? undefined : flags.output;
    if (output !== undefined && output.trim() === '')
      throw new FilterValueError('-o "": give a file name (or - for standard output)');
    return {
      filter: {
        ignore,
        ...(minSeverity ? { minSeverity } : {}),
        ...(verdicts ? { verdicts: [...new Set(verdicts)] } : {}),
      },
      ...(failOn ? { failOn } : {}),
      ...(output !== undefined ? { output } : {}),
      quiet: flags.quiet === true,
      format: formatGiven ? flags.format : (config?.format ?? flags.format),
      kbDirs: config?.kb ?? [],
      today: utcDay(options.now ?? new Date()),
    };
  } catch (error) {
    if (error instanceof FilterValueError) throw new UsageError(error.message);
    throw error;
  }
}

/** Ignore entries past their date: they no longer ignore, and the user hears it (unless -q). */
export function warnExpired(expired: readonly IgnoreEntry[], options: ReportOptions): void {
  if (options.quiet) return;
  for (const entry of expired)
    process.stderr.write(
      `kcompat: warning: ${printable(entry.from)}: ${printable(entry.id)} expired on ${entry.expires}; it no longer ignores that finding\n`,
    );
}

/**
 * One line saying what the filters left out, printed after the report in text and markdown
 * (JSON carries `filtered`); empty when they left out nothing.
 */
export function filterNote(summary: FilterSummary | undefined, format: Format): string {
  if (format === 'json' || !summary || (summary.ignored.length === 0 && summary.leftOut === 0))
    return '';
  const parts: string[] = [];
  if (summary.ignored.length > 0) {
    const ids = summary.ignored.map((item) => `${item.id} by ${item.by}`).join(', ');
    parts.push(
      `${summary.ignored.length} ${summary.ignored.length === 1 ? 'finding' : 'findings'} ignored as accepted risks (${printable(ids)})`,
    );
  }
  if (summary.leftOut > 0) {
    const by = [
      ...(summary.minSeverity ? [`severity below ${summary.minSeverity}`] : []),
      ...(summary.verdicts ? [`verdict not ${summary.verdicts.join(',')}`] : []),
    ].join(' or ');
    parts.push(
      `${summary.leftOut} ${summary.leftOut === 1 ? 'finding' : 'findings'} left out (${by})`,
    );
  }
  const line = `Filtered: ${parts.join('; ')}.`;
  return format === 'markdown' ? `\n_${line}_\n` : `\n${line}\n`;
}

/** Prints the formatted report, writes it to -o's file, or (with -q and no -o) neither. */
export function deliver(text: string, options: ReportOptions): void {
  if (options.output !== undefined) {
    try {
      writeFileAtomic(options.output, text);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new UsageError(`-o ${options.output}: cannot write (${code})`);
    }
    return;
  }
  if (!options.quiet) process.stdout.write(text);
}
