// What the user's own facts name, checked against what kcompat knows before they are used: a
// component in --with that nothing reads, a --facts file whose keys no probe collects and no
// known issue reads. Either would otherwise pass silently and leave a clean-looking result.
import type { Condition } from '../kb/schema.js';
import type { KnowledgeBase } from '../kb/types.js';
import { componentOfKey, componentVersionKey, type Facts } from './facts.js';

function conditionKey(condition: Condition): string | undefined {
  if ('component' in condition) return componentVersionKey(condition.component);
  if ('kernel' in condition) return condition.feature?.fact;
  return condition.fact;
}

/** Every fact key a condition of the knowledge base reads (entries and their differentials). */
export function factKeysRead(kb: KnowledgeBase): Set<string> {
  const keys = new Set<string>();
  for (const issue of kb.issues) {
    const conditions = [...issue.conditions, ...issue.differential.flatMap((cause) => cause.when)];
    for (const condition of conditions) {
      const key = conditionKey(condition);
      if (key !== undefined) keys.add(key);
    }
    // usedBy reads components.<name>.version: whether something that needs the entry is there.
    for (const component of issue.usedBy) keys.add(componentVersionKey(component));
  }
  return keys;
}

/**
 * The components a `--with NAME@VERSION` can name: those the knowledge base reads (a version
 * range, or usedBy) and those the host probe collects (`collected`: fact keys).
 */
export function knownComponents(kb: KnowledgeBase, collected: Iterable<string>): string[] {
  const names = new Set<string>();
  for (const key of [...factKeysRead(kb), ...collected]) {
    const component = componentOfKey(key);
    if (component !== undefined) names.add(component);
  }
  return [...names].sort();
}

/** The keys of `facts` that no probe collects (`collected`) and no known issue reads. */
export function unknownFactKeys(
  facts: Facts,
  kb: KnowledgeBase,
  collected: ReadonlySet<string>,
): string[] {
  const read = factKeysRead(kb);
  return Object.keys(facts).filter((key) => !collected.has(key) && !read.has(key));
}
