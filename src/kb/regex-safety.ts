// Refuses signature regexes that can backtrack exponentially in JavaScript's engine, so that a
// rule file written by someone else cannot hang a scan: such a pattern is rejected when the
// knowledge base loads, with the reason. Two shapes cause it (the "star height" and
// "overlapping alternatives" classes of exponential backtracking):
// - an unbounded repetition of something that itself repeats without bound: (a+)+, (?:x*y?)*;
// - an unbounded repetition of alternatives that can start with the same character: (a|ab)*,
//   (\w|\d)+; the engine tries each split of the input between them.
// Both checks are conservative (a safe pattern may be refused; bound it or make the parts
// exclusive). Polynomial backtracking (.*a.*b on a line without b) is not refused: lines are cut
// at 1 MiB and only lines holding a signature's literal reach its regex.
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
  const chars: FirstChars = new Set();
  for (const element of elements) {
    for (const code of firstOfElement(element, ignoreCase)) chars.add(code);
    // A part that can match nothing lets the next part start the match too.
    if (!canBeEmpty(element)) return chars;
  }
  return ALL_CHARS; // the whole alternative can be empty: anything may follow
}

function firstOfElement(element: Element, ignoreCase: boolean): FirstChars {
  switch (element.type) {
    case 'Character':
    case 'CharacterClass':
    case 'CharacterSet':
      return charsMatching(element.raw, ignoreCase);
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
      for (const code of firsts[i]!) if (firsts[j]!.has(code)) return [alternatives[i]!, alternatives[j]!];
  return null;
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
  const visit = (node: RegexNode, insideUnbounded: boolean): void => {
    if (found) return;
    if (node.type === 'Quantifier') {
      const unbounded = node.max === Infinity;
      if (unbounded && insideUnbounded)
        found = `nested unbounded repetition "${node.raw}" inside another one can backtrack exponentially; bound it ({0,N}) or make the parts exclusive`;
      const repeated = node.element;
      if (!found && unbounded && (repeated.type === 'Group' || repeated.type === 'CapturingGroup')) {
        const overlap = overlappingAlternatives(repeated.alternatives, ignoreCase);
        if (overlap)
          found = `alternatives "${overlap[0].raw}" and "${overlap[1].raw}" of the repetition "${node.raw}" can start with the same character, which can backtrack exponentially; make them exclusive or bound the repetition`;
      }
      visit(repeated, insideUnbounded || unbounded);
      return;
    }
    if ('alternatives' in node) for (const alternative of node.alternatives) visit(alternative, insideUnbounded);
    if (node.type === 'Alternative') for (const element of node.elements) visit(element, insideUnbounded);
  };
  visit(ast, false);
  return found;
}
