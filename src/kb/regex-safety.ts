// Refuses signature regexes that can backtrack without bound in JavaScript's engine: an
// unbounded repetition of something that itself repeats without bound, as in (a+)+ or
// (?:x*y?)*, takes exponential time on a line that almost matches. Such a pattern is rejected
// when the knowledge base loads, with the reason, instead of hanging a scan later.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Node as RegexNode } from '@eslint-community/regexpp/ast';

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** A reason the pattern is unsafe, or null. */
export function unsafeRepetition(pattern: string): string | null {
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
      visit(node.element, insideUnbounded || unbounded);
      return;
    }
    if ('alternatives' in node) for (const alternative of node.alternatives) visit(alternative, insideUnbounded);
    if (node.type === 'Alternative') for (const element of node.elements) visit(element, insideUnbounded);
  };
  visit(ast, false);
  return found;
}
