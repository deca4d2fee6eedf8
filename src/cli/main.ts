#!/usr/bin/env node
// The kcompat command: parses arguments, gathers facts and inputs, runs the core, prints a
// formatter's output and exits 0 (nothing found), 1 (findings) or 2 (usage or input error).
import { createRequire } from 'node:module';
import { Command, CommanderError, Option } from 'commander';
import type { Facts } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { KnowledgeBase } from '../kb/load.js';
import {
  EXIT_FINDINGS,
  EXIT_INPUT_ERROR,
  EXIT_NOTHING_FOUND,
  EXIT_USAGE,
  InputError,
  UsageError,
} from './errors.js';
import { printable } from '../report/printable.js';
import { addReportOptions, type ReportFlags, type ReportOptions } from './report-options.js';

// Each command imports what it uses when it runs: start-up stays small (a `probe` never loads
// the YAML parser or the schema library).
const require = createRequire(import.meta.url);
const VERSION = (require('../../package.json') as { version: string }).version;

const FORMATS = ['text', 'json', 'markdown'] as const;

interface CommonOptions extends ReportFlags {
  kb: string[];
  kernel?: string;
  with: string[];
  facts?: string;
  probe: boolean;
  color?: boolean;
  details?: boolean;
  timeout?: string;
}

/** The longest delay a Node.js timer takes (2^31 - 1 ms); a longer one would fire at once. */
const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** --timeout SECONDS: a positive number a timer can hold, or a usage error. */
function timeoutOption(text: string | undefined): { timeoutSeconds?: number } {
  if (text === undefined) return {};
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout ${text}: give a number of seconds greater than 0`);
  if (seconds > MAX_TIMEOUT_SECONDS)
    throw new UsageError(
      `--timeout ${text}: at most ${MAX_TIMEOUT_SECONDS} seconds (about 24 days)`,
    );
  return { timeoutSeconds: seconds };
}

/** A read the kernel does not end, well after --timeout: the process ends with one line. */
function exitStuck(label: string): never {
  process.stderr.write(
    `kcompat: ${printable(label)}: a read is still blocked after --timeout; nothing diagnosed\n`,
  );
  process.exit(EXIT_USAGE);
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** -q: warnings and notes on standard error are not printed either (errors still are). */
let quiet = false;

function warn(message: string): void {
  if (!quiet) process.stderr.write(`kcompat: ${printable(message)}\n`);
}

/** The report options (src/cli/report-options.ts) with the config file; sets -q for warn(). */
async function reportOptions(flags: ReportFlags, command: Command): Promise<ReportOptions> {
  const { resolveReportOptions } = await import('./report-options.js');
  const options = await resolveReportOptions(flags, command);
  quiet = options.quiet;
  flags.format = options.format;
  return options;
}

/** `kcompat probe --format json` writes ~30 KB; this leaves room for any real host. */
const MAX_FACTS_FILE_BYTES = 16 << 20;
/** How long a --facts FIFO may take to deliver its facts (a probe over ssh takes seconds). */
const FACTS_FIFO_TIMEOUT_MS = 60_000;

function addFactOptions(command: Command): Command {
  return command
    .option('--kernel <release>', 'plan for this kernel release (uname -r), e.g. 5.10.0-26-amd64')
    .option(
      '--with <name@version>',
      'plan with this component version, e.g. crun@1.14.0 (repeatable)',
      collect,
      [],
    )
    .option(
      '--facts <file>',
      'read facts from a JSON file (the output of kcompat probe --format json)',
    )
    .option('--no-probe', 'do not read facts from this host');
}

function addOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'),
    )
    .option(
      '--kb <dir>',
      'also load known issues from this directory (repeatable; also KCOMPAT_KB)',
      collect,
      [],
    )
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .option(
      '-v, --details',
      'show every finding in full (otherwise ruled-out, benign and information findings are one summary line each)',
    );
}

async function loadKb(dirs: readonly string[]): Promise<KnowledgeBase> {
  // The common case, the built-in entries alone, comes from the build's cache without loading
  // the YAML parser and the schema library.
  if (dirs.length === 0 && !process.env.KCOMPAT_KB) {
    const cached = (await import('../kb/entry-cache.js')).builtinKnowledgeBase();
    if (cached) return cached;
  }
  const { formatProblem, KbLoadError, loadKnowledgeBase, userKbDirs } =
    await import('../kb/load.js');
  const factKeys = (await import('../host/fact-keys.js')).hostFactKeys();
  try {
    return loadKnowledgeBase(userKbDirs(dirs), { factKeys });
  } catch (error) {
    if (error instanceof KbLoadError) {
      const [first, ...rest] = error.problems;
      throw new UsageError(
        `invalid knowledge base: ${formatProblem(first!)}${rest.length ? ` (and ${rest.length} more; run kcompat kb lint)` : ''}`,
      );
    }
    throw error;
  }
}

/**
 * The components --with names must be ones the knowledge base or the probe knows: a misspelt
 * `--with crum@1.14.0` would otherwise decide nothing and leave a clean-looking result.
 */
async function checkFactNames(options: CommonOptions, kb: KnowledgeBase): Promise<void> {
  const { knownComponents } = await import('../core/input-checks.js');
  const { hostFactKeys } = await import('../host/fact-keys.js');
  const known = knownComponents(kb, hostFactKeys());
  for (const spec of options.with) {
    // A spec without NAME@ is refused by componentFact, with the form it expects.
    const at = spec.lastIndexOf('@');
    const name = spec.slice(0, Math.max(at, 0)).trim().toLowerCase();
    if (name !== '' && !known.includes(name))
      throw new UsageError(
        `--with ${spec}: unknown component ${JSON.stringify(name)}; the known components are ${known.join(', ')}`,
      );
  }
}

/** Facts a file names that nothing reads are listed up to this many in the warning. */
const LISTED_UNKNOWN_FACTS = 5;

async function readFactsFile(path: string, kb: KnowledgeBase): Promise<Facts> {
  // A facts file is a few hundred facts: anything far larger is not one, and is refused by what
  // is read (a device or a sparse file says nothing true in its size). A FIFO is read too:
  // `--facts <(ssh node kcompat probe --format json)`.
  const { readBounded } = await import('../io/bounded-read.js');
  const read = await readBounded(path, MAX_FACTS_FILE_BYTES, FACTS_FIFO_TIMEOUT_MS);
  if (!read.ok)
    throw new UsageError(
      read.reason.startsWith('more than')
        ? `--facts ${path}: ${read.reason} is not a facts file`
        : `--facts ${path}: cannot read (${read.reason})`,
    );
  const text = read.data.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--facts ${path}: not JSON (${(error as Error).message})`);
  }
  const { parseFactsFile } = await import('../core/facts-file.js');
  const parsed = parseFactsFile(json);
  if ('problem' in parsed)
    throw new UsageError(`--facts ${path}: not a facts file (${parsed.problem})`);
  // A file with no facts, or none kcompat reads, would check nothing and look clean.
  const keys = Object.keys(parsed.facts);
  if (keys.length === 0)
    throw new UsageError(
      `--facts ${path}: no facts in it (kcompat probe --format json writes { "schemaVersion": 1, "facts": { ... } })`,
    );
  const { unknownFactKeys } = await import('../core/input-checks.js');
  const { hostFactKeys } = await import('../host/fact-keys.js');
  const unknownKeys = unknownFactKeys(parsed.facts, kb, hostFactKeys());
  const listed = `${unknownKeys.slice(0, LISTED_UNKNOWN_FACTS).join(', ')}${unknownKeys.length > LISTED_UNKNOWN_FACTS ? ` and ${unknownKeys.length - LISTED_UNKNOWN_FACTS} more` : ''}`;
  if (unknownKeys.length === keys.length)
    throw new UsageError(
      `--facts ${path}: ${keys.length === 1 ? 'its one fact is not one' : `none of its ${keys.length} facts is one`} kcompat knows (${listed}); kcompat probe --format json shows the keys`,
    );
  if (unknownKeys.length > 0)
    warn(
      `warning: --facts ${path}: ${unknownKeys.length === 1 ? 'a fact' : `${unknownKeys.length} facts`} no probe collects and no known issue reads, so unused: ${listed}`,
    );
  return parsed.facts;
}

/**
 * Facts in layers (src/core/facts.ts, layerTextFacts): the host (unless --no-probe, or --facts
 * describes another host) under what the user gives (--kernel, --with). `why` puts the facts its
 * text states between the two; `check` merges them.
 */
async function gatherFacts(
  options: CommonOptions,
  kb: KnowledgeBase,
): Promise<{ host: Facts; explicit: Facts }> {
  const { componentFact, FactInputError, kernelFacts, mergeFacts, withoutKernelFacts } =
    await import('../core/facts.js');
  if (options.with.length > 0 || options.facts) await checkFactNames(options, kb);
  if (options.kernel !== undefined) {
    const { kernelReleaseProblem } = await import('../core/kernel-release.js');
    const problem = kernelReleaseProblem(options.kernel);
    if (problem) throw new UsageError(`--kernel ${JSON.stringify(options.kernel)}: ${problem}`);
  }
  const host: Facts[] = [];
  if (options.probe && !options.facts) {
    const { collectFacts } = await import('../host/collect.js');
    host.push(await collectFacts({ bpf: options.kernel === undefined }));
  }
  if (options.facts) host.push(await readFactsFile(options.facts, kb));
  const explicit: Facts[] = [];
  if (options.kernel !== undefined) {
    // A planned kernel: what was read or probed about another kernel does not carry over.
    host.splice(0, host.length, ...host.map(withoutKernelFacts));
    explicit.push(kernelFacts(options.kernel, '--kernel'));
  }
  try {
    for (const spec of options.with) explicit.push(componentFact(spec, '--with'));
  } catch (error) {
    if (error instanceof FactInputError) throw new UsageError(error.message);
    throw error;
  }
  return { host: mergeFacts(...host), explicit: mergeFacts(...explicit) };
}

/** Progress on standard error for long inputs, only on a terminal and never with JSON output. */
function createProgress(json: boolean): {
  update(name: string, read: number, total: number | undefined): void;
  done(): void;
} {
  const MIN_BYTES = 8 << 20;
  const enabled = Boolean(process.stderr.isTTY) && !json && !quiet;
  const started = Date.now();
  let last = 0;
  let shown = false;
  const mb = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MB`;
  // Interrupted while the line shows: clear it, then die of the same signal, as without a
  // handler (the shell sees 128 + the signal number).
  const clearAndDie = (signal: NodeJS.Signals) => {
    process.stderr.write('\r\x1b[2K');
    process.kill(process.pid, signal);
  };
  return {
    update(name, read, total) {
      const now = Date.now();
      if (!enabled || (total ?? read) < MIN_BYTES || now - last < 200) return;
      last = now;
      if (!shown)
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, clearAndDie);
      shown = true;
      const rate = read / Math.max(0.001, (now - started) / 1000);
      const eta = total ? ` ETA ${Math.max(0, Math.round((total - read) / rate))} s` : '';
      const size = total ? `${mb(read)} / ${mb(total)}` : mb(read);
      process.stderr.write(`\r\x1b[2K  reading ${name}: ${size}, ${mb(rate)}/s${eta}`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}

/** Colour on a terminal; never in a file (-o) unless --color asks. */
function useColor(options: { color?: boolean; output?: string }): boolean {
  if (options.color !== undefined) return options.color;
  if (options.output !== undefined && options.output !== '-') return false;
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

async function render(report: Report, options: CommonOptions): Promise<string> {
  switch (options.format) {
    case 'json':
      return (await import('../report/json.js')).formatJson(report);
    case 'markdown':
      return (await import('../report/markdown.js')).formatMarkdown(report, {
        details: Boolean(options.details),
      });
    case 'text':
      return (await import('../report/text.js')).formatText(report, {
        color: useColor(options),
        details: Boolean(options.details),
        // Summary lines fit the terminal; in a pipe or a file, the formatter's default width.
        ...(process.stdout.isTTY && process.stdout.columns > 0
          ? { width: process.stdout.columns }
          : {}),
      });
  }
}

/**
 * Filters the Report (--ignore, --min-severity, --verdict; src/core/report-filter.ts), prints or
 * writes it, and gives the exit code of what is left (--fail-on, or the default contract).
 */
async function finish(
  report: Report,
  options: CommonOptions,
  reportOptions: ReportOptions,
): Promise<number> {
  const { filterReport, shouldFail } = await import('../core/report-filter.js');
  const { deliver, filterNote, warnExpired } = await import('./report-options.js');
  const filtered = filterReport(report, reportOptions.filter, reportOptions.today);
  warnExpired(filtered.expired, reportOptions);
  deliver(
    (await render(filtered.report, options)) +
      filterNote(filtered.report.filtered, reportOptions.format),
    reportOptions,
  );
  return shouldFail(filtered.report.findings, reportOptions.failOn)
    ? EXIT_FINDINGS
    : EXIT_NOTHING_FOUND;
}

// Every example runs as shown from the package directory, on the real texts in examples/ (a test
// runs them): the first words are the command, what follows "#" a comment.
const EXAMPLES_WHY = `
Examples:
  # run from the kcompat directory; examples/README.md names each text's source
  kcompat why examples/containerd.log
  cat examples/containerd.log | kcompat why          # or: journalctl -u containerd | kcompat why
  kcompat why --no-probe --kernel 5.10.0-26-amd64 --with crun@1.14.0 examples/crun-bpf-enospc.txt
  kcompat why --format json examples/map-create-eperm.txt examples/runc-device-filter-einval.txt
  kcompat why 'examples/*.txt'                       # globs are expanded (quote them)
  kcompat why -v 'examples/*.txt'                    # every finding in full (ruled-out, benign too)
  gzip -c examples/containerd.log | kcompat why      # gzip and zstd are recognised by content
  # also: journald JSON and export, docker json-file, CRI (/var/log/pods), dmesg, /dev/kmsg
  kcompat why --min-severity error --verdict confirmed,likely examples/containerd.log
  kcompat why --ignore-file examples/kcompatignore examples/map-create-eperm.txt   # accepted risks
  kcompat why --format json -o report.json examples/crun-bpf-enospc.txt   # the report in a file
  kcompat why -q --fail-on confirmed examples/crun-bpf-enospc.txt   # CI: exit 1 only if confirmed
  # defaults from .kcompat.yaml here, or: KCOMPAT_CONFIG=examples/kcompat.yaml kcompat why ...

Output: a summary line per finding, best first, then the findings to act on (confirmed and
likely at warning or above) in full; -v shows every finding in full.`;

const EXAMPLES_CHECK = `
Examples:
  kcompat check
  kcompat check --details                         # information findings in full too
  kcompat check --no-probe --kernel 5.10.0-26-amd64 --with crun@1.14.0
  kcompat probe --format json > node-17.json && kcompat check --facts node-17.json --with crun@1.15.0 --format json
  kcompat check --no-probe --kernel 5.10.0-26-amd64 --with crun@1.14.0 --min-severity error -o plan.txt
  kcompat check -q --fail-on at-risk --ignore-file examples/kcompatignore   # CI: exit 1 if at risk
  # defaults from .kcompat.yaml here, or: KCOMPAT_CONFIG=examples/kcompat.yaml kcompat check

Output: a summary line per finding, then the findings at risk at warning or above in full; last,
the known issues no fact decided (unknown or inconclusive facts, or only kcompat's own missing
privileges: notes, not hazards).`;

const EXAMPLES_PROBE = `
Examples:
  kcompat probe                                   # as root it also loads tiny BPF programs
  kcompat probe --format json > node-17.json      # later: kcompat check --facts node-17.json
  kcompat probe --section bpf --section cgroup    # only these sections
  kcompat probe kernel.upstream components.crun.version kernel.config   # keys, or prefixes
  kcompat probe --no-bpf`;

const EXAMPLES_VERIFIER = `
Examples:
  # run from the kcompat directory; examples/README.md names the log's source
  kcompat verifier examples/verifier-too-large.log
  cat examples/verifier-too-large.log | kcompat verifier   # or: bpftool -d prog load prog.bpf.o /sys/fs/bpf/p 2>&1 | kcompat verifier
  gzip -c examples/verifier-too-large.log | kcompat verifier --format json
  kcompat verifier -q examples/verifier-too-large.log            # the exit code alone
  kcompat verifier --ignore complexity-limit -o verifier.txt examples/verifier-too-large.log

Exit codes: 0 the verifier accepted the program, 1 it was rejected (or the log is cut
before it says), 2 not a verifier log. For --ignore, --min-severity, --verdict and --fail-on the
log's result is one finding: the message's id (kcompat verifier --format json: explanation.id),
verdict confirmed when rejected, likely when cut, severity error.`;

const EXAMPLES_KB = `
Examples:
  kcompat kb list
  kcompat kb show crun-1-14-ebpf-log-enospc
  kcompat kb lint                                 # or: kcompat kb lint ./my-issues
  kcompat kb test                                 # or: kcompat kb test ./my-issues`;

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('kcompat')
    .description(
      'Why did a container runtime or eBPF program fail here, and which known kernel/runtime incompatibilities does this host hit?',
    )
    .version(VERSION)
    .exitOverride()
    // Usage errors are one line, like every other error: "kcompat: <what> (kcompat help ...)";
    // commander puts its "(Did you mean --ignore?)" on a line of its own.
    .configureOutput({
      outputError: (message, write) =>
        write(
          `kcompat: ${printable(
            message
              .replace(/^error: /, '')
              .trim()
              .replace(/\s*\n\s*/g, ' '),
          )} (kcompat help shows the usage)\n`,
        ),
    });

  addReportOptions(addOutputOptions(addFactOptions(program.command('why'))))
    .description('diagnose error text or whole logs (files, - for standard input, .gz)')
    .argument('[files...]', 'files to read; standard input when none is given')
    .option('--timeout <seconds>', 'stop reading an input that stays open longer (a FIFO, a pipe)')
    .addHelpText('after', EXAMPLES_WHY)
    .action(async (files: string[], options: CommonOptions, command: Command) => {
      const names = files.length > 0 ? files : ['-'];
      if (names.includes('-') && process.stdin.isTTY) {
        throw new UsageError('no input: give a file, or pipe text into kcompat why');
      }
      const report = await reportOptions(options, command);
      const kb = await loadKb([...report.kbDirs, ...options.kb]);
      const facts = await gatherFacts(options, kb);
      const { expandInputs, streamLines } = await import('./input.js');
      const { LogScanner } = await import('../core/log-scanner.js');
      const { MAX_RECORD_CHARS } = await import('../core/log-records.js');
      const { reportScan } = await import('../core/diagnose.js');
      const scanner = new LogScanner(kb, { verifierLogs: true });
      const progress = createProgress(options.format === 'json');
      const { inputs, errors } = await expandInputs(names);
      const timeout = timeoutOption(options.timeout);
      let read = 0;
      // Nothing is lost: an input that cannot be read is reported and the others are diagnosed.
      // With a single input, its error is the answer (exit 2).
      const inputError = (error: unknown) => {
        if (!(error instanceof InputError)) throw error;
        if (names.length === 1 && inputs.length <= 1) throw error;
        errors.push(error);
        warn(error.message);
      };
      for (const error of errors.splice(0)) inputError(error);
      for (const name of inputs) {
        scanner.beginInput(name);
        try {
          const stats = await streamLines(
            name,
            { onBlock: (bytes) => scanner.pushBytes(bytes) },
            {
              maxLineBytes: MAX_RECORD_CHARS,
              onProgress: (bytes, total) => progress.update(name, bytes, total),
              onStuck: exitStuck,
              ...timeout,
            },
          );
          const { bytes, lines: _lines, ...notes } = stats;
          scanner.endInput(bytes, notes);
          read++;
        } catch (error) {
          inputError(error);
          scanner.endInput(0, { error: (error as Error).message });
        }
      }
      if (read === 0 && errors.length > 0)
        throw new UsageError(
          errors.length === 1
            ? errors[0]!.message
            : `none of the ${errors.length} inputs could be read`,
        );
      progress.done();
      const scan = scanner.finish();
      // The verifier catalogue is loaded only when some input carried a verifier log.
      const verifierCatalogue = scan.evidence.some((evidence) => evidence.verifierLog)
        ? (await import('../verifier/catalogue-file.js')).loadCatalogue()
        : undefined;
      const code = await finish(
        reportScan(scan, facts.host, kb, {
          toolVersion: VERSION,
          explicitFacts: facts.explicit,
          ...(verifierCatalogue ? { verifierCatalogue } : {}),
        }),
        options,
        report,
      );
      setExit(code + (errors.length > 0 ? EXIT_INPUT_ERROR : 0));
    });

  addReportOptions(addOutputOptions(addFactOptions(program.command('check', { isDefault: true }))))
    .description('evaluate every known issue against this host (or --facts, --kernel, --with)')
    .addHelpText('after', EXAMPLES_CHECK)
    .action(async (options: CommonOptions, command: Command) => {
      const report = await reportOptions(options, command);
      const kb = await loadKb([...report.kbDirs, ...options.kb]);
      const { check } = await import('../core/diagnose.js');
      const { mergeFacts } = await import('../core/facts.js');
      const { host, explicit } = await gatherFacts(options, kb);
      setExit(
        await finish(
          check(mergeFacts(host, explicit), kb, { toolVersion: VERSION }),
          options,
          report,
        ),
      );
    });

  program
    .command('probe')
    .description(
      "print this host's facts by section: kernel, components, BPF features (by loading tiny programs), bpffs, cgroups, user namespaces, process",
    )
    .argument(
      '[keys...]',
      'only these facts: exact keys (kernel.upstream) or prefixes (bpf.helper, kernel.config)',
    )
    .option(
      '-s, --section <name>',
      'only this section (repeatable, or comma-separated): kernel, components, bpf, cgroup, userns, process, ...',
      collect,
      [],
    )
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('--no-bpf', 'skip the bpf() feature probes')
    .option('--no-components', "skip running the components' --version")
    .option(
      '--root <dir>',
      'read a host tree at DIR instead of this machine (no commands, no bpf())',
    )
    .addHelpText('after', EXAMPLES_PROBE)
    .action(
      async (
        keys: string[],
        options: {
          format: string;
          bpf: boolean;
          components: boolean;
          root?: string;
          section: string[];
        },
      ) => {
        const { collectFacts } = await import('../host/collect.js');
        const { selectFacts } = await import('../report/fact-sections.js');
        const collected = await collectFacts({
          root: options.root ?? '/',
          bpf: options.bpf,
          components: options.components && !options.root,
        });
        const selected = selectFacts(collected, {
          sections: options.section.flatMap((section) =>
            section
              .split(',')
              .map((name) => name.trim())
              .filter(Boolean),
          ),
          keys,
        });
        if ('problem' in selected) throw new UsageError(selected.problem);
        const { facts } = selected;
        process.stdout.write(
          options.format === 'json'
            ? (await import('../report/json.js')).formatFactsJson(facts)
            : (await import('../report/text.js')).formatFactsText(facts),
        );
        setExit(EXIT_NOTHING_FOUND);
      },
    );

  const verifier = program
    .command('verifier')
    .description(
      'explain a BPF verifier log (raw, or as libbpf, cilium/ebpf, bcc, bpftool or crun print it)',
    )
    .argument('[file]', 'the log; standard input when none is given or "-"')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'),
    )
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .option('--timeout <seconds>', 'stop reading an input that stays open longer (a FIFO, a pipe)');
  addReportOptions(verifier)
    .addHelpText('after', EXAMPLES_VERIFIER)
    .action(
      async (
        file: string | undefined,
        options: ReportFlags & { color?: boolean; timeout?: string },
        command: Command,
      ) => {
        const name = file ?? '-';
        if (name === '-' && process.stdin.isTTY)
          throw new UsageError(
            'no input: give a file, or pipe a verifier log into kcompat verifier',
          );
        const reportOpts = await reportOptions(options, command);
        const { VerifierLogParser, MAX_LINE_CHARS, isVerifierLog } =
          await import('../verifier/parse.js');
        const { explainVerifierLog } = await import('../verifier/explain.js');
        const { loadCatalogue } = await import('../verifier/catalogue-file.js');
        const { unescapeLine } = await import('../core/scan.js');
        const { streamLines } = await import('./input.js');
        const parser = new VerifierLogParser();
        await streamLines(
          name,
          (line) => {
            for (const part of unescapeLine(line)) parser.push(part);
          },
          {
            maxLineBytes: MAX_LINE_CHARS + 1,
            onStuck: exitStuck,
            ...timeoutOption(options.timeout),
          },
        );
        const parsed = parser.finish();
        if (!isVerifierLog(parsed))
          throw new UsageError(
            `${name === '-' ? 'standard input' : name}: no BPF verifier log found (no instructions, no verifier messages)`,
          );
        // The log's result is one finding for the filters (verifierFinding): the explanation is
        // printed either way, and what the filters leave decides the exit code.
        const { filterVerifierReport, shouldFail } = await import('../core/report-filter.js');
        const { deliver, filterNote, warnExpired } = await import('./report-options.js');
        const filtered = filterVerifierReport(
          explainVerifierLog(parsed, loadCatalogue(), name),
          reportOpts.filter,
          reportOpts.today,
        );
        warnExpired(filtered.expired, reportOpts);
        const report = filtered.report;
        const formats = await import('../report/verifier.js');
        deliver(
          (options.format === 'json'
            ? formats.formatVerifierJson(report)
            : options.format === 'markdown'
              ? formats.formatVerifierMarkdown(report)
              : formats.formatVerifierText(report, { color: useColor(options) })) +
            filterNote(report.filtered, reportOpts.format),
          reportOpts,
        );
        setExit(
          shouldFail(filtered.findings, reportOpts.failOn) ? EXIT_FINDINGS : EXIT_NOTHING_FOUND,
        );
      },
    );

  const kb = program
    .command('kb')
    .description('browse and validate known issues')
    .addHelpText('after', EXAMPLES_KB);
  kb.command('list')
    .description('list known issues')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('--kb <dir>', 'also load this directory (repeatable)', collect, [])
    .addHelpText('after', EXAMPLES_KB)
    .action(async (options: { format: string; kb: string[] }) => {
      const loaded = await loadKb(options.kb);
      if (options.format === 'json') {
        const rows = loaded.issues.map(({ id, family, severity, title, components, builtin }) => ({
          id,
          family,
          severity,
          title,
          components,
          builtin,
        }));
        process.stdout.write(`${JSON.stringify({ schemaVersion: 1, issues: rows }, null, 2)}\n`);
      } else {
        const width = Math.max(...loaded.issues.map((issue) => issue.id.length));
        for (const issue of loaded.issues) {
          process.stdout.write(
            `${issue.id.padEnd(width)}  ${issue.severity.padEnd(8)}  ${issue.family}: ${issue.title}\n`,
          );
        }
      }
      setExit(EXIT_NOTHING_FOUND);
    });
  kb.command('show')
    .description('show one known issue in full')
    .argument('<id>', 'known-issue id (see kb list)')
    .option('--kb <dir>', 'also load this directory (repeatable)', collect, [])
    .addHelpText('after', EXAMPLES_KB)
    .action(async (id: string, options: { kb: string[] }) => {
      const issue = (await loadKb(options.kb)).byId.get(id);
      if (!issue) throw new UsageError(`no known issue "${id}" (see kcompat kb list)`);
      const { formatKnownIssue } = await import('../report/kb-entry.js');
      process.stdout.write(formatKnownIssue(issue));
      setExit(EXIT_NOTHING_FOUND);
    });
  kb.command('lint')
    .description('validate knowledge-base directories (the built-in one when none is given)')
    .argument('[dirs...]', 'directories of known-issue YAML files')
    .addHelpText('after', EXAMPLES_KB)
    .action(async (dirs: string[]) => {
      const { formatProblem, KbLoadError, loadKnowledgeBase } = await import('../kb/load.js');
      const factKeys = (await import('../host/fact-keys.js')).hostFactKeys();
      try {
        // Lint reads the YAML sources themselves, never the build's cache of the built-in entries.
        const loaded = loadKnowledgeBase(dirs, { useCache: false, factKeys });
        process.stdout.write(`${loaded.issues.length} known issues valid\n`);
        setExit(EXIT_NOTHING_FOUND);
      } catch (error) {
        if (!(error instanceof KbLoadError)) throw error;
        for (const problem of error.problems) process.stdout.write(`${formatProblem(problem)}\n`);
        setExit(EXIT_FINDINGS);
      }
    });
  kb.command('test')
    .description("run known issues' examples and near-misses (all when no directory is given)")
    .argument('[dirs...]', 'directories whose entries to test, against the whole knowledge base')
    .addHelpText('after', EXAMPLES_KB)
    .action(async (dirs: string[]) => {
      const loaded = await loadKb(dirs);
      const { runConformance } = await import('../kb/conformance.js');
      const only =
        dirs.length > 0
          ? new Set(loaded.issues.filter((issue) => !issue.builtin).map((issue) => issue.id))
          : undefined;
      const result = runConformance(loaded, only);
      for (const failure of result.failures) {
        process.stdout.write(
          `FAIL ${failure.id} ${failure.kind} #${failure.index + 1} (${failure.file}): ${failure.message}\n`,
        );
      }
      process.stdout.write(`${result.passed} passed, ${result.failures.length} failed\n`);
      setExit(result.failures.length > 0 ? EXIT_FINDINGS : EXIT_NOTHING_FOUND);
    });

  program
    .command('version')
    .description('print the version of kcompat (as --version does)')
    .action(() => {
      process.stdout.write(`${VERSION}\n`);
      setExit(EXIT_NOTHING_FOUND);
    });
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_NOTHING_FOUND;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  // `check` is the default command and takes no arguments: a first word that names no command
  // is an unknown command, not "too many arguments for 'check'".
  const commands = program.commands.map((command) => command.name());
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && ![...commands, 'help'].includes(first)) {
    process.stderr.write(
      `kcompat: unknown command '${printable(first)}'; the commands are ${[...commands, 'help'].join(', ')} (kcompat help shows the usage)\n`,
    );
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; commander has already printed its message.
      return error.exitCode === 0 ? EXIT_NOTHING_FOUND : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`kcompat: ${printable(error.message)}\n`);
      if (error.exitNow) process.exit(EXIT_USAGE);
      return EXIT_USAGE;
    }
    process.stderr.write(`kcompat: internal error: ${printable((error as Error).message)}\n`);
    return EXIT_USAGE;
  }
}

// A reader that went away (`kcompat why big.log | head`) keeps the exit code the findings give;
// output that cannot be written (a full disk) is one line and exit 2, never a stack trace.
let outputError: NodeJS.ErrnoException | undefined;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  outputError ??= error;
});

process.exitCode = await main(process.argv.slice(2));
process.on('beforeExit', () => {
  if (!outputError || outputError.code === 'EPIPE') return;
  process.stderr.write(
    `kcompat: cannot write the output (${outputError.code ?? outputError.message})\n`,
  );
  process.exitCode = EXIT_USAGE;
  outputError = undefined;
});
