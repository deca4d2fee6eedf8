// Signature regexes that cannot hang a scan. V8 has two regex engines: the usual backtracking one
// (irregexp: fast on ordinary text, but some patterns take exponential or polynomial time on a
// crafted line) and a linear-time one (an automaton simulation: no backtracking, about 10-100
// times slower per character; it refuses backreferences, lookarounds and counted repetitions
// above 16, which it cannot run in linear time).
// - Entries an operator loads (--kb, KCOMPAT_KB) run in the linear engine (the `l` flag), always:
//   nobody reviewed them, so their worst case must be linear, and V8 itself decides whether a
//   pattern can be (a refused one is reported at load, with the reason). The prefilter keeps the
//   slower engine off every line that lacks the entry's literals.
// - Built-in entries run in irregexp, with --enable-experimental-regexp-engine-on-excessive-
//   backtracks: a match that backtracks exponentially restarts in the linear engine. Polynomial
//   shapes are kept out by review and by a test that runs every built-in signature on crafted
//   1 MiB lines (test/regex-hostile.test.ts); their gaps are bounded ({0,160}), which irregexp
//   runs in linear time and the linear engine cannot compile.
// Node 20's linear engine has no case-insensitive mode, so an ignoreCase pattern is rewritten with
// explicit case classes ([aA]) first (src/kb/case-fold.ts). This module sets the flags on
// import: every module that builds or runs a regex over untrusted text imports it.
// V8: src/regexp/experimental/ and the flags in src/flags/flag-definitions.h.
import { setFlagsFromString } from 'node:v8';

/** Backtracks a match may take in irregexp before it restarts in the linear engine. */
const BACKTRACKS_BEFORE_FALLBACK = 10_000;

// The flags are read when a regex runs; they are set before any signature is compiled.
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString(`--regexp-backtracks-before-fallback=${BACKTRACKS_BEFORE_FALLBACK}`);

const LINEAR_ENGINE = (() => {
  try {
    return new RegExp('a', 'l').test('a');
  } catch {
    return false;
  }
})();

/**
 * Compiles a signature regex (case already folded: src/kb/case-fold.ts). linear: run it in the
 * linear-time engine (an operator's entry), or throw an Error that says why it cannot (one line,
 * for file:line messages).
 */
export function compileSignatureRegExp(source: string, linear: boolean): RegExp {
  const regex = new RegExp(source); // a syntax error is reported as it is
  if (!linear) return regex;
  if (!LINEAR_ENGINE)
    throw new Error(
      "this Node.js has no linear-time regex engine (V8's --enable-experimental-regexp-engine)",
    );
  try {
    return new RegExp(source, 'l');
  } catch (error) {
    throw new Error(linearRefusal(source, (error as Error).message));
  }
}

function linearRefusal(pattern: string, message: string): string {
  if (!/linear time/.test(message)) return message.replace(/\s+/g, ' ');
  const reasons: string[] = [];
  if (/\\[1-9]|\\k</.test(pattern)) reasons.push('a backreference');
  if (/\(\?<?[=!]/.test(pattern)) reasons.push('a lookahead or lookbehind');
  if (/\{\d+,\d*\}|\{\d{2,}\}/.test(pattern))
    reasons.push(
      'a counted repetition above 16 (write * or + instead: lines are at most 1 MiB, and the linear engine keeps them cheap)',
    );
  return `cannot run in linear time${reasons.length > 0 ? `: it has ${reasons.join(', ')}` : ''}; an entry from outside kcompat must run in linear time, or it could hang a scan`;
}
