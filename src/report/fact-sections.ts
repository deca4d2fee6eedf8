// `kcompat probe`: facts grouped in sections by their key's first word (kernel, components, bpf,
// cgroup, ...), the kernel and the runtimes first, and the facts a user asks for by section
// (--section bpf) or by key (kernel.upstream, or a prefix: bpf.helper).
import type { Facts } from '../core/facts.js';
import { compareText } from '../core/versions.js';

/** Sections shown first, in this order: the kernel and the runtimes, then what BPF and cgroups need. */
const FIRST_SECTIONS = ['kernel', 'components', 'bpf', 'bpffs', 'cgroup', 'userns', 'process'];

export function factSection(key: string): string {
  const dot = key.indexOf('.');
  return dot === -1 ? key : key.slice(0, dot);
}

/** The sections the facts have, the usual ones first, then the others by name. */
export function factSections(facts: Facts): string[] {
  const present = new Set(Object.keys(facts).map(factSection));
  const first = FIRST_SECTIONS.filter((section) => present.has(section));
  const rest = [...present]
    .filter((section) => !FIRST_SECTIONS.includes(section))
    .sort(compareText);
  return [...first, ...rest];
}

/**
 * The facts of each section, in order: a section's own facts (kernel.release) before its nested
 * groups (kernel.config.*), each by name.
 */
export function groupFacts(facts: Facts): { section: string; keys: string[] }[] {
  const depth = (key: string) => key.split('.').length;
  return factSections(facts).map((section) => ({
    section,
    keys: Object.keys(facts)
      .filter((key) => factSection(key) === section)
      .sort((a, b) => depth(a) - depth(b) || compareText(a, b)),
  }));
}

/**
 * The facts asked for: those of the given sections, and those whose key is one of `keys` or starts
 * with one of them and a dot (a prefix: bpf.helper). Nothing asked: every fact. A section or key
 * that names no fact is a problem (one sentence), not an empty answer.
 */
export function selectFacts(
  facts: Facts,
  { sections = [], keys = [] }: { sections?: readonly string[]; keys?: readonly string[] },
): { facts: Facts } | { problem: string } {
  if (sections.length === 0 && keys.length === 0) return { facts };
  const all = Object.keys(facts);
  const known = factSections(facts);
  const unknownSection = sections.find((section) => !known.includes(section));
  if (unknownSection !== undefined)
    return {
      problem: `--section ${unknownSection}: no such section; the sections are ${known.join(', ')}`,
    };
  // A prefix may be written with a trailing dot or ".*".
  const prefixes = keys.map((key) => key.replace(/\.\*?$/, ''));
  const matches = (key: string, prefix: string) => key === prefix || key.startsWith(`${prefix}.`);
  const unknownKey = keys.find((_, index) => !all.some((key) => matches(key, prefixes[index]!)));
  if (unknownKey !== undefined)
    return {
      problem: `unknown fact ${JSON.stringify(unknownKey)}: no fact is that key or starts with it (kcompat probe lists them; the sections are ${known.join(', ')})`,
    };
  return {
    facts: Object.fromEntries(
      Object.entries(facts).filter(
        ([key]) =>
          sections.includes(factSection(key)) || prefixes.some((prefix) => matches(key, prefix)),
      ),
    ),
  };
}
