// Refuses signature regexes that can backtrack exponentially in JavaScript's engine, so that a
// rule file written by someone else cannot hang a scan: such a pattern is rejected when the
// knowledge base loads, with the reason. Inside an unbounded repetition, exponential
// backtracking needs two ways to match the same text, which takes one of three shapes (the
// "star height" and "ambiguity" classes):
// - a nested unbounded repetition: (a+)+, (?:x*y?)*;
// - alternatives, at any depth, that can start with the same character: (a|ab)*, (\w|\d)+,
//   (?:(a|aa)b?)+;
// - a part of variable length (?, {m,n}) whose characters can also start what follows it, or
//   the next turn of the repetition: (?:a?a)+, (?:a{1,2})+, (?:\d{1,3}\.?)+.
// The checks are conservative (a safe pattern may be refused: bound the repetition or make the
// parts exclusive). Polynomial backtracking (.*a.*b on a line without b) is not refused: lines
// are cut at 1 MiB and only lines holding a signature's literal reach its regex.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, Element, Node as RegexNode } from '@eslint-community/regexpp/ast';

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** Characters 0-255 an alternative can start with (an approximation that errs towards more). */
type FirstChars = Set<number>;
const ALL_CHARS: FirstChars = new Set(Array.from({ length: 256 }, (_, code) => code));

function charsMatching(raw: string, ignoreCase: boolean): FirstChars {
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${raw})`, ignoreCase ? 'i' : '');
  } catch {
    return ALL_CHARS;
  }
  const chars: FirstChars = new Set();
  for (let code = 0; code < 256; code++) if (regex.test(String.fromCharCode(code))) chars.add(code);
  return chars;
}

function firstOfSequence(elements: readonly Element[], ignoreCase: boolean): FirstChars {
  const { chars, empty } = firstOfRest(elements, 0, ignoreCase);
  return empty ? ALL_CHARS : chars; // the whole alternative can be empty: anything may follow
}

function firstOfElement(element: Element, ignoreCase: boolean): FirstChars {
  switch (element.type) {
    case 'Character':
      if (element.value > 255) {
        // Beyond the table: the character itself, and its case forms.
        const char = String.fromCodePoint(element.value);
        const forms = ignoreCase ? [char, char.toLowerCase(), char.toUpperCase()] : [char];
        return new Set(forms.map((form) => form.codePointAt(0)!));
      }
      return charsMatching(element.raw, ignoreCase);
    case 'CharacterClass':
    case 'CharacterSet': {
      const chars = charsMatching(element.raw, ignoreCase);
      // A class of characters above 255 only matches nothing in the table: assume anything.
      return chars.size === 0 ? ALL_CHARS : chars;
    }
    case 'Group':
    case 'CapturingGroup':
      return union(element.alternatives.map((alt) => firstOfSequence(alt.elements, ignoreCase)));
    case 'Quantifier':
      return firstOfElement(element.element, ignoreCase);
    case 'Assertion':
      return new Set(); // zero-width: canBeEmpty lets the next part decide
    default:
      return ALL_CHARS; // backreferences and the like: assume anything
  }
}

function canBeEmpty(element: Element): boolean {
  switch (element.type) {
    case 'Assertion':
      return true;
    case 'Quantifier':
      return element.min === 0 || canBeEmpty(element.element);
    case 'Group':
    case 'CapturingGroup':
      return element.alternatives.some((alt) => alt.elements.every(canBeEmpty));
    default:
      return false;
  }
}

function union(sets: readonly FirstChars[]): FirstChars {
  return new Set(sets.flatMap((set) => [...set]));
}

function overlappingAlternatives(
  alternatives: readonly Alternative[],
  ignoreCase: boolean,
): [Alternative, Alternative] | null {
  const firsts = alternatives.map((alt) => firstOfSequence(alt.elements, ignoreCase));
  for (let i = 0; i < alternatives.length; i++)
    for (let j = i + 1; j < alternatives.length; j++)
      if (overlaps(firsts[i]!, firsts[j]!)) return [alternatives[i]!, alternatives[j]!];
  return null;
}

/** The first characters of elements[from...] (a part that can match nothing lets the next one
 * start the match too), and whether they can all match nothing. */
function firstOfRest(
  elements: readonly Element[],
  from: number,
  ignoreCase: boolean,
): { chars: FirstChars; empty: boolean } {
  const chars: FirstChars = new Set();
  for (let index = from; index < elements.length; index++) {
    for (const code of firstOfElement(elements[index]!, ignoreCase)) chars.add(code);
    if (!canBeEmpty(elements[index]!)) return { chars, empty: false };
  }
  return { chars, empty: true };
}

function overlaps(a: FirstChars, b: FirstChars): boolean {
  for (const code of a) if (b.has(code)) return true;
  return false;
}

/** The innermost unbounded repetition around a node: its text and what its body starts with. */
interface Loop {
  raw: string;
  first: FirstChars;
}

/** A reason the pattern is unsafe, or null. */
export function unsafeRepetition(pattern: string, ignoreCase = false): string | null {
  let ast;
  try {
    ast = parser.parsePattern(pattern, 0, pattern.length, { unicode: false, unicodeSets: false });
  } catch {
    return null; // the RegExp constructor reports syntax errors itself
  }
  let found: string | null = null;
  const visit = (node: RegexNode, loop: Loop | null): void => {
    if (found) return;
    if (node.type === 'Quantifier') {
      if (node.max === Infinity) {
        if (loop) {
          found = `nested unbounded repetition "${node.raw}" inside another one can backtrack exponentially; bound it ({0,N}) or make the parts exclusive`;
          return;
        }
        loop = { raw: node.raw, first: firstOfElement(node.element, ignoreCase) };
      }
      visit(node.element, loop);
      return;
    }
    if (loop && (node.type === 'Group' || node.type === 'CapturingGroup')) {
      const overlap = overlappingAlternatives(node.alternatives, ignoreCase);
      if (overlap) {
        found = `alternatives "${overlap[0].raw}" and "${overlap[1].raw}" in the repetition "${loop.raw}" can start with the same character, which can backtrack exponentially; make them exclusive or bound the repetition`;
        return;
      }
    }
    if (loop && node.type === 'Alternative')
      node.elements.forEach((element, index) => {
        // Bounded ones only: an unbounded one inside the loop is the nested case, reported below.
        if (found || element.type !== 'Quantifier' || element.min === element.max) return;
        if (element.max === Infinity) return;
        const rest = firstOfRest(node.elements, index + 1, ignoreCase);
        const follow = rest.empty ? union([rest.chars, loop.first]) : rest.chars;
        if (overlaps(firstOfElement(element.element, ignoreCase), follow))
          found = `the variable-length part "${element.raw}" in the repetition "${loop.raw}" can match the same characters as what follows it, which can backtrack exponentially; make them exclusive or bound the repetition`;
      });
    if ('alternatives' in node) for (const alternative of node.alternatives) visit(alternative, loop);
    if (node.type === 'Alternative') for (const element of node.elements) visit(element, loop);
  };
  visit(ast, null);
  return found;
}
