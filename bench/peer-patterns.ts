// The knowledge base's signature regexes in the dialects of the benchmark's peers: ripgrep's
// default engine (Rust regex: no look-around, no backreferences) and GNU grep -E (POSIX ERE).
// What a dialect cannot express is approximated (look-arounds dropped, a backreference widened),
// so the peers do at least the work kcompat does; the count of approximations is reported.
import type { KnowledgeBase } from '../src/kb/load.js';

export interface PeerPatterns {
  ripgrep: string[];
  grep: string[];
  approximated: number;
}

/** Removes look-around groups, nested groups and classes included. */
function dropLookarounds(pattern: string): { text: string; dropped: boolean } {
  let out = '';
  let dropped = false;
  for (let i = 0; i < pattern.length; i++) {
    const rest = pattern.slice(i, i + 4);
    if (/^\(\?(?:<?[=!])/.test(rest)) {
      dropped = true;
      let depth = 0;
      let inClass = false;
      for (; i < pattern.length; i++) {
        const char = pattern[i]!;
        if (char === '\\') i++;
        else if (inClass) inClass = char !== ']';
        else if (char === '[') inClass = true;
        else if (char === '(') depth++;
        else if (char === ')' && --depth === 0) break;
      }
      continue;
    }
    out += pattern[i];
    if (pattern[i] === '\\' && i + 1 < pattern.length) out += pattern[++i];
  }
  return { text: out, dropped };
}

/** Rewrites a JavaScript regex for ripgrep's default engine (names dropped: -e patterns are joined). */
function toRust(pattern: string): { text: string; approximated: boolean } {
  const { text: withoutLookarounds, dropped } = dropLookarounds(pattern);
  let approximated = dropped;
  const text = withoutLookarounds
    .replace(/\\k<\w+>/g, () => {
      approximated = true;
      return "[^\\n']*";
    })
    .replace(/\(\?<(\w+)>/g, '(');
  return { text, approximated };
}

/** Rewrites a JavaScript regex as POSIX ERE, class by class. */
function toEre(pattern: string): { text: string; approximated: boolean } {
  const rust = toRust(pattern);
  let approximated = rust.approximated;
  let out = '';
  let inClass = false;
  const source = rust.text
    .replace(/\[\^\\n\]/g, '.')
    .replace(/\(\?:/g, '(')
    .replace(/\(\?i\)/g, '');
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    const next = source[i + 1];
    if (char === '\\' && next !== undefined) {
      i++;
      const inside: Record<string, string> = {
        d: '0-9',
        s: '[:space:]',
        w: '[:alnum:]_',
        n: '',
        t: '\t',
      };
      const outside: Record<string, string> = {
        d: '[0-9]',
        s: '[[:space:]]',
        S: '[^[:space:]]',
        w: '[[:alnum:]_]',
        b: '',
        n: '',
      };
      if (inClass && next in inside) out += inside[next]!;
      else if (inClass && next === 'S') {
        out += '[:graph:]';
        approximated = true;
      } else if (!inClass && next in outside) {
        out += outside[next]!;
        if (next === 'b' || next === 'n') approximated = true;
      } else if (inClass)
        out += next === ']' || next === '\\' || next === '^' || next === '-' ? `\\${next}` : next;
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      inClass = true;
      out += char;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
      continue;
    }
    // Lazy quantifiers are greedy in ERE: the same lines match.
    if (char === '?' && /[*+?}]/.test(out.at(-1) ?? '')) continue;
    out += char;
  }
  // ERE has no [\s\S]: what was "any character including newline" becomes any character.
  return { text: out.replace(/\[\[:space:\]\[:graph:\]\]/g, '.'), approximated };
}

export function peerPatterns(kb: KnowledgeBase): PeerPatterns {
  const ripgrep: string[] = [];
  const grep: string[] = [];
  let approximated = 0;
  for (const issue of kb.issues)
    for (const signature of issue.signatures) {
      const rust = toRust(signature.pattern);
      const ere = toEre(signature.pattern);
      ripgrep.push(signature.ignoreCase ? `(?i)${rust.text}` : rust.text);
      grep.push(ere.text);
      if (rust.approximated || ere.approximated) approximated++;
    }
  return { ripgrep, grep, approximated };
}
