// Signature regexes that cannot hang a scan, whoever wrote them. V8 has two regex engines: the
// usual backtracking one (irregexp, fast on ordinary text) and a linear-time one (an automaton
// simulation, no backtracking, much slower per character). With
// --enable-experimental-regexp-engine-on-excessive-backtracks, a match that backtracks more than
// a bound restarts in the linear engine, so every regex the linear engine can run takes linear
// time in the worst case and irregexp's speed in the usual one. Whether it can run a pattern is
// decided by V8 itself (the `l` flag compiles it or refuses it), not by a heuristic of ours: a
// pattern it refuses (backreferences, lookarounds, counted repetitions above ~16) is refused when
// the knowledge base loads, with the reason. Node 20's linear engine has no case-insensitive
// mode, so an ignoreCase pattern is rewritten with explicit case classes ([aA]) first
// (src/kb/case-fold.ts). This module sets the flags on import: every module that builds a
// signature regex imports it.
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
 * Compiles a signature regex (case already folded: src/kb/case-fold.ts) that runs in linear time
 * in the worst case, or throws an Error that says why it cannot (one line, for file:line
 * messages).
 */
export function compileLinearRegExp(source: string): RegExp {
  if (!LINEAR_ENGINE)
    throw new Error(
      "this Node.js has no linear-time regex engine (V8's --enable-experimental-regexp-engine)",
    );
  const regex = new RegExp(source); // a syntax error is reported as it is
  try {
    new RegExp(source, 'l');
  } catch (error) {
    throw new Error(linearRefusal(source, (error as Error).message));
  }
  return regex;
}

/** A regex checked by compileLinearRegExp before (the build's cache of the built-in entries). */
export function checkedRegExp(source: string): RegExp {
  return new RegExp(source);
}

function linearRefusal(pattern: string, message: string): string {
  if (!/linear time/.test(message)) return message.replace(/\s+/g, ' ');
  const reasons: string[] = [];
  if (/\\[1-9]|\\k</.test(pattern)) reasons.push('a backreference');
  if (/\(\?<?[=!]/.test(pattern)) reasons.push('a lookahead or lookbehind');
  if (/\{\d+,\d*\}|\{\d{2,}\}/.test(pattern))
    reasons.push('a counted repetition that is too large (write * or + instead; lines are at most 1 MiB)');
  return `cannot run in linear time${reasons.length > 0 ? `: it has ${reasons.join(', ')}` : ''}; such a pattern could hang a scan`;
}

