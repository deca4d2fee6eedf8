// What the text and markdown formats say about the inputs of `kcompat why`: their names (or, for
// many, their count and totals) and a sentence for each thing a user should know about reading
// them (cut lines, NUL runs, an input that could not be read).
import { componentOfKey } from '../core/facts.js';
import type { InputSummary, Report } from '../core/report.js';

/** Inputs listed by name up to a few; beyond, their count and totals. */
const LISTED_INPUTS = 5;
/** Notes on inputs (cut lines, NUL runs, errors) shown at most; the rest are counted. */
const LISTED_NOTES = 10;

export function inputName(name: string): string {
  return name === '-' ? 'standard input' : name;
}

export function describeInputList(inputs: readonly InputSummary[]): string {
  if (inputs.length === 0) return 'no input';
  if (inputs.length <= LISTED_INPUTS)
    return inputs
      .map((input) => `${inputName(input.name)} (${plural(input.lines, 'line')})`)
      .join(', ');
  const lines = inputs.reduce((total, input) => total + input.lines, 0);
  const bytes = inputs.reduce((total, input) => total + input.bytes, 0);
  return `${plural(inputs.length, 'input')} (${plural(lines, 'line')}, ${formatBytes(bytes)})`;
}

/** One sentence for each input whose reading a user should know about. */
export function describeInputs(inputs: readonly InputSummary[]): string[] {
  const notes: string[] = [];
  for (const input of inputs) {
    const name = inputName(input.name);
    if (input.error) notes.push(`${input.error}: the rest of it was not read`);
    if (input.empty) notes.push(`${name}: empty, nothing to read`);
    if (input.longLines)
      notes.push(
        `${name}: ${plural(input.longLines, 'line')} over 1 MiB cut (the rest of each skipped)`,
      );
    if (input.nulRuns)
      notes.push(
        `${name}: ${plural(input.nulRuns, 'run')} of NUL bytes skipped (${formatBytes(input.nulBytes ?? 0)}: an unclean shutdown or a copytruncate rotation leaves them)`,
      );
    if (input.encoding) notes.push(`${name}: decoded from ${input.encoding.toUpperCase()}`);
    if (input.format === 'journal-export')
      notes.push(`${name}: journald export format; line numbers count its entries`);
    if (input.timedOut)
      notes.push(`${name}: stopped reading at --timeout; what came before was diagnosed`);
  }
  if (notes.length <= LISTED_NOTES) return notes;
  return [
    ...notes.slice(0, LISTED_NOTES),
    `and ${notes.length - LISTED_NOTES} more notes (--format json lists every input)`,
  ];
}

export function plural(count: number, word: string): string {
  // Thousands separated by hand: toLocaleString loads ICU's locale data (tens of ms).
  const digits = String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${digits} ${word}${count === 1 ? '' : 's'}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** The facts the text states that contradict this host's: the diagnosis used the text's. */
export function describeConflicts(report: Report): string[] {
  return (report.factConflicts ?? []).map(
    (conflict) =>
      `${conflict.textSource} says ${conflict.key} = ${JSON.stringify(conflict.text)}, but ${conflict.hostSource} says ${JSON.stringify(conflict.host)}: the text describes the machine where the error happened, so the diagnosis uses its facts`,
  );
}

/**
 * The versions `check` was asked to plan for (--kernel, --with), read from the facts' sources,
 * or undefined when it checked the facts as they are. `others`: the other facts known, from the
 * host or a --facts file, that the plan was checked with.
 */
export function describePlan(report: Report): { plan: string; others: number } | undefined {
  const planned: string[] = [];
  const planKeys = new Set<string>();
  const release = report.facts['kernel.release'];
  const kernelPlanned =
    release !== undefined && 'value' in release && release.source === '--kernel';
  if (kernelPlanned) planned.push(`kernel ${String(release.value)}`);
  for (const [key, fact] of Object.entries(report.facts)) {
    const component = componentOfKey(key);
    if (component === undefined || !('value' in fact) || !fact.source.startsWith('--with'))
      continue;
    planKeys.add(key);
    planned.push(
      fact.value === null ? `${component} not installed` : `${component} ${String(fact.value)}`,
    );
  }
  if (planned.length === 0) return undefined;
  const others = Object.entries(report.facts).filter(
    ([key, fact]) =>
      'value' in fact && !planKeys.has(key) && !(kernelPlanned && key.startsWith('kernel.')),
  ).length;
  return { plan: planned.join(', '), others };
}
