// Every signature that names an errno ({errno:...}) must match each spelling of it: each example
// the signature matches (its entry's, or its family's; the signature alone, apart from the
// entry's other signatures) is fed again with its errno written every other way (the name,
// -NAME, the strerror text in three cases, errno N, err=-N, os error N, [Errno N], Os { code: N,
// (-N)).
// Used by the test suite and `npm run kb:check`.
import { diagnose } from '../core/diagnose.js';
import { errnoSpellings } from '../core/errno.js';
import { expandPlaceholders } from './placeholders.js';
import type { KnowledgeBase } from './types.js';

export function errnoSpellingFailures(kb: KnowledgeBase, only?: ReadonlySet<string>): string[] {
  const failures: string[] = [];
  for (const issue of kb.issues) {
    if (only && !only.has(issue.id)) continue;
    for (const signature of issue.signatures) {
      if (expandPlaceholders(signature.pattern).errnos.length === 0) continue;
      // The signature alone: a line an earlier signature of the entry claims still exercises it.
      const single = { issues: [{ ...issue, signatures: [signature] }], byId: kb.byId };
      let exercised = false;
      // The entry's examples, then its family's: a specific entry may refine a line its
      // family's general entry holds the verbatim example of.
      const family = kb.issues.filter((other) => other !== issue && other.family === issue.family);
      for (const example of [issue, ...family].flatMap((entry) => entry.examples)) {
        const match = diagnose([{ name: 'example', text: example.text }], {}, single)
          .findings[0]?.matches.find((candidate) => candidate.signature === signature.name);
        const errno = match?.captures.errno;
        const written = match?.captures.errnoText ?? errno;
        if (!match || !errno || !written) continue;
        exercised = true;
        for (const spelling of errnoSpellings(errno)) {
          if (spelling === written) continue;
          const text = respell(example.text, written, spelling);
          const again = diagnose([{ name: 'spelling', text }], {}, single).findings[0];
          if (!again?.matches.some((candidate) => candidate.signature === signature.name))
            failures.push(`${issue.id} ${signature.name}: "${spelling}" instead of "${written}" is not matched`);
        }
      }
      if (!exercised)
        failures.push(`${issue.id} ${signature.name}: no example exercises this {errno:...} signature`);
    }
  }
  return failures;
}

/**
 * The text with each occurrence of one errno spelling replaced by another, set apart by a space
 * where it would otherwise run into a neighbouring word ("strerror_r(-524)" → "strerror_r
 * ENOTSUPP", not "strerror_rENOTSUPP", which no front end prints).
 */
function respell(text: string, written: string, spelling: string): string {
  const word = /\w/;
  return text
    .split(written)
    .map((part, index, parts) => {
      if (index === parts.length - 1) return part;
      const before = part.at(-1) ?? '';
      const after = parts[index + 1]!.at(0) ?? '';
      const left = word.test(before) && word.test(spelling.at(0) ?? '') ? ' ' : '';
      const right = word.test(after) && word.test(spelling.at(-1) ?? '') ? ' ' : '';
      return `${part}${left}${spelling}${right}`;
    })
    .join('');
}
