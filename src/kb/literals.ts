// Required literals of a signature regex, for the prefilter of `kcompat why`: a set of strings
// such that every match of the regex contains at least one of them. A line that contains none
// cannot match, so the full regex never runs on it. Derived from the regex's syntax tree
// (@eslint-community/regexpp); null when no such set exists (e.g. a pattern that starts with
// an optional part and has no fixed text).
import { RegExpParser } from '@eslint-community/regexpp';
import { longestAsciiPiece } from '../core/literal-set.js';
import type { Alternative, Element, Node as RegexNode } from '@eslint-community/regexpp/ast';

/** Shorter literals match too many lines to be worth a prefilter. */
const MIN_LITERAL = 3;
// General signatures name an operation in its many front-end spellings: a few dozen literals.
const MAX_ALTERNATIVES = 48;

type Literals = string[] | null;

const parser = new RegExpParser({ ecmaVersion: 2025 });

export function requiredLiterals(pattern: string, ignoreCase: boolean): Literals {
  let ast;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: false, unicodeSets: false });
  } catch {
    return null;
  }
  const literals = fromAlternatives(ast.alternatives);
  if (!literals) return null;
  if (!ignoreCase) return [...new Set(literals)];
  // A case-insensitive regex folds non-ASCII letters its own way (ς and σ, the Kelvin sign),
  // which toLowerCase does not reproduce: keep each literal's longest ASCII run, lower-cased.
  const folded = literals.map((literal) => longestAsciiPiece(literal).toLowerCase());
  return folded.some((literal) => literal.length < MIN_LITERAL) ? null : [...new Set(folded)];
}

function fromAlternatives(alternatives: readonly Alternative[]): Literals {
  const perAlternative: string[][] = [];
  for (const alternative of alternatives) {
    const literals = fromSequence(alternative.elements);
    if (!literals) return null;
    perAlternative.push(literals);
  }
  const all = perAlternative.flat();
  if (all.length <= MAX_ALTERNATIVES) return all;
  // Too many: an alternative's variants ("load ", "loading a ", ...) share a prefix that every
  // one of them contains, so the prefix serves as well (a superset of lines, never fewer).
  const collapsed = [
    ...new Set(
      perAlternative.flatMap((literals) => {
        const prefix = commonPrefix(literals);
        return prefix.length >= MIN_LITERAL ? [prefix] : literals;
      }),
    ),
  ];
  return collapsed.length > MAX_ALTERNATIVES ? null : collapsed;
}

function commonPrefix(texts: readonly string[]): string {
  let prefix = texts[0] ?? '';
  for (const text of texts) while (!text.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/**
 * The best required set of a sequence: a run of literal text, or a part's own set. A run goes
 * on through small groups of literal alternatives, optional or not (`invalid (?:read from |write
 * to )?stack` gives "invalid read from stack", "invalid write to stack" and "invalid stack"):
 * longer literals let the search skip further.
 */
function fromSequence(elements: readonly Element[]): Literals {
  let best: Literals = null;
  let run: string[] = [''];
  const consider = (candidate: Literals) => {
    if (candidate && score(candidate) > score(best)) best = candidate;
  };
  const endRun = () => {
    if (run.every((literal) => literal.length >= MIN_LITERAL)) consider([...new Set(run)]);
    run = [''];
  };
  for (const element of elements) {
    const char = literalChar(element);
    if (char !== null) {
      run = run.map((literal) => literal + char);
      continue;
    }
    const choices = literalChoices(element);
    if (choices && run.length * choices.length <= MAX_ALTERNATIVES) {
      run = run.flatMap((literal) => choices.map((choice) => literal + choice));
      continue;
    }
    endRun();
    consider(fromElement(element));
  }
  endRun();
  return best;
}

/** The texts a group of literal alternatives can match ("" too when it is optional), or null. */
function literalChoices(element: Element): string[] | null {
  const optional = element.type === 'Quantifier' && element.min === 0 && element.max === 1;
  const group = optional ? element.element : element;
  if (group.type !== 'Group' && group.type !== 'CapturingGroup') {
    const char = optional ? literalChar(group) : null;
    return char === null ? null : [char, ''];
  }
  const texts: string[] = [];
  for (const alternative of group.alternatives) {
    let text = '';
    for (const part of alternative.elements) {
      const char = literalChar(part);
      if (char === null) return null;
      text += char;
    }
    texts.push(text);
  }
  return optional ? [...texts, ''] : texts;
}

/** A set is as good as its weakest member: the shortest literal decides how often it hits. */
function score(literals: Literals): number {
  if (!literals || literals.length === 0) return -1;
  return Math.min(...literals.map((literal) => literal.length)) - literals.length * 0.01;
}

function literalChar(element: Element): string | null {
  if (element.type === 'Character') return String.fromCodePoint(element.value);
  // A one-character class like [.] or [`] is a literal too.
  if (
    element.type === 'CharacterClass' &&
    !element.negate &&
    element.elements.length === 1 &&
    element.elements[0]!.type === 'Character'
  )
    return String.fromCodePoint(element.elements[0]!.value);
  return null;
}

function fromElement(element: RegexNode): Literals {
  switch (element.type) {
    case 'Group':
    case 'CapturingGroup':
      return fromAlternatives(element.alternatives);
    case 'Quantifier':
      return element.min >= 1 ? fromElement(element.element) : null;
    default:
      return null;
  }
}

/**
 * A signature's pieces for the raw search, or null when it has none: then no line can skip the
 * full path (the loader holds every built-in signature to having them).
 */
export function rawPieces(literals: readonly string[] | null): string[] | null {
  if (!literals) return null;
  const pieces = literals.map((literal) => longestAsciiPiece(literal, /["'\\\n]/));
  return pieces.every((piece) => piece.length >= 3) ? pieces : null;
}
