// Case-insensitive signatures without the `i` flag, which Node 20's linear-time regex engine
// does not support (src/core/linear-regex.ts): every ASCII letter is matched in both cases by an
// explicit class.
import { RegExpParser } from '@eslint-community/regexpp';
import type {
  CharacterClass,
  CharacterClassElement,
  Node as RegexNode,
} from '@eslint-community/regexpp/ast';

const parser = new RegExpParser({ ecmaVersion: 2025 });

/**
 * The pattern with every ASCII letter matched in both cases without the `i` flag: a letter
 * becomes [xX], a class gets the other case of its letters and ranges. Non-ASCII letters keep
 * their case (the built-in literals prefilter folds ASCII only, too).
 */
export function foldCase(pattern: string): string {
  const ast = parser.parsePattern(pattern, 0, pattern.length, {
    unicode: false,
    unicodeSets: false,
  });
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: RegexNode, inClass: boolean): void => {
    switch (node.type) {
      case 'CharacterClass':
        edits.push({ start: node.start, end: node.end, text: foldClass(node) });
        return;
      case 'Character':
        if (!inClass && otherCase(node.value) !== null)
          edits.push({
            start: node.start,
            end: node.end,
            text: `[${node.raw}${escapeCode(otherCase(node.value)!)}]`,
          });
        return;
      default:
        for (const child of children(node)) visit(child, inClass);
    }
  };
  visit(ast, false);
  let folded = pattern;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    folded = folded.slice(0, edit.start) + edit.text + folded.slice(edit.end);
  return folded;
}

function children(node: RegexNode): RegexNode[] {
  switch (node.type) {
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
    case 'Assertion':
      return 'alternatives' in node ? node.alternatives : [];
    case 'Alternative':
      return node.elements;
    case 'Quantifier':
      return [node.element];
    default:
      return [];
  }
}

/** A class rebuilt from its elements, with the other case of each letter and range added. */
function foldClass(node: CharacterClass): string {
  // Each element is written escaped, so no "-" can join two parts into a new range.
  const parts = (node.elements as CharacterClassElement[]).map((element) =>
    element.type === 'Character'
      ? escapeCode(element.value)
      : element.type === 'CharacterClassRange'
        ? `${escapeCode(element.min.value)}-${escapeCode(element.max.value)}`
        : element.raw,
  );
  for (const element of node.elements as CharacterClassElement[]) {
    if (element.type === 'Character') {
      const other = otherCase(element.value);
      if (other !== null) parts.push(escapeCode(other));
    } else if (element.type === 'CharacterClassRange') {
      for (const [from, to, shift] of [
        [0x61, 0x7a, -0x20],
        [0x41, 0x5a, 0x20],
      ] as const) {
        const low = Math.max(from, element.min.value);
        const high = Math.min(to, element.max.value);
        if (low <= high) parts.push(`${escapeCode(low + shift)}-${escapeCode(high + shift)}`);
      }
    }
  }
  return `[${node.negate ? '^' : ''}${parts.join('')}]`;
}

function otherCase(code: number): number | null {
  if (code >= 0x41 && code <= 0x5a) return code + 0x20;
  if (code >= 0x61 && code <= 0x7a) return code - 0x20;
  return null;
}

function escapeCode(code: number): string {
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}
