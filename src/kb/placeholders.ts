// The one placeholder a signature pattern may hold: {errno:EPERM} (or {errno:EPERM|EACCES})
// becomes a named capture `errno` that matches each errno in every spelling front ends print
// (src/core/errno.ts, errnoPattern): a signature names the errno, never one spelling of it.
import { errnoMessages, errnoNames, errnoPattern } from '../core/errno.js';

const PLACEHOLDER = /\{errno:([A-Z0-9|]+)\}/g;

/** The pattern with its placeholder expanded, and the errnos it names. Throws on misuse. */
export function expandPlaceholders(pattern: string): { source: string; errnos: string[] } {
  const errnos: string[] = [];
  let count = 0;
  const source = pattern.replace(PLACEHOLDER, (_, list: string) => {
    count++;
    const names = list.split('|').filter((name) => name !== '');
    for (const name of names)
      if (!errnoNames().includes(name))
        throw new Error(`{errno:${list}}: ${name} is not an errno kcompat knows`);
    errnos.push(...names);
    return `(?<errno>${errnoPattern(names)})`;
  });
  if (count > 1) throw new Error('a pattern holds at most one {errno:...} placeholder');
  if (count === 1 && /\(\?<errno>/.test(pattern))
    throw new Error('a pattern with {errno:...} has no (?<errno>...) group of its own');
  return { source, errnos };
}

/**
 * Why a pattern spells out an errno instead of naming it with {errno:...}, or null: a capture
 * named errno, or an errno name or strerror text outside the placeholder, matches one spelling
 * where front ends print several.
 */
export function spelledErrno(pattern: string): string | null {
  const outside = pattern.replace(PLACEHOLDER, '');
  if (/\(\?<errno>/.test(outside))
    return 'it captures (?<errno>...) itself: write {errno:NAME} so every spelling of the errno matches';
  for (const name of errnoNames())
    if (new RegExp(`(?<![A-Za-z])${name}(?![A-Za-z0-9])`).test(outside))
      return `it spells ${name} out: write {errno:${name}} so every spelling of it matches`;
  const lower = outside.toLowerCase();
  for (const message of errnoMessages())
    if (lower.includes(message.toLowerCase()))
      return `it spells "${message}" out: write {errno:NAME} so every spelling of the errno matches`;
  return null;
}
