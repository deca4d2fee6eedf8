// Evaluates a known issue's conditions over facts, in three states: true, false or unknown.
// An unknown is carried to the user with its reason; it is never guessed either way.
import type {
  Condition,
  ComponentCondition,
  KernelCondition,
  FactCondition,
} from '../kb/schema.js';
import { componentVersionKey, isKnown, type Fact, type Facts } from './facts.js';
import type { CheckedCondition, ConditionResult } from './report.js';
import {
  intervalInRanges,
  normalizeVersion,
  versionAboveRanges,
  versionInRanges,
} from './versions.js';

export function evaluateCondition(condition: Condition, facts: Facts): CheckedCondition {
  if ('component' in condition) return evaluateComponent(condition, facts);
  if ('kernel' in condition) return evaluateKernel(condition, facts);
  return evaluateFact(condition, facts);
}

function asList(ranges: string | readonly string[]): string[] {
  return typeof ranges === 'string' ? [ranges] : [...ranges];
}

function describeRanges(ranges: string | readonly string[]): string {
  return asList(ranges).join(' || ');
}

function unknownReason(fact: Fact | undefined, key: string): string {
  if (fact && 'unknown' in fact) return fact.unknown;
  if (key.startsWith('components.')) {
    const name = key.split('.')[1];
    return `not known; give it with --with ${name}@VERSION or probe the host`;
  }
  if (key.startsWith('kernel.'))
    return 'not known; give it with --kernel RELEASE or probe the host';
  return 'not known; probe the host or give --facts FILE';
}

function evaluateComponent(condition: ComponentCondition, facts: Facts): CheckedCondition {
  const key = componentVersionKey(condition.component);
  const fact = facts[key];
  const expected = `${condition.component} ${describeRanges(condition.affected)}`;
  const base = {
    fact: key,
    expected,
    source: condition.source,
    ...(condition.fixed ? { fixed: condition.fixed } : {}),
  };
  if (!isKnown(fact)) {
    return { ...base, actual: null, result: 'unknown', reason: unknownReason(fact, key) };
  }
  if (fact.value === null || fact.value === false) {
    return { ...base, actual: 'not installed', result: 'false', reason: fact.source };
  }
  const version = normalizeVersion(String(fact.value));
  if (!version) {
    return {
      ...base,
      actual: String(fact.value),
      result: 'unknown',
      reason: `"${String(fact.value)}" is not a version (${fact.source})`,
    };
  }
  const inside = versionInRanges(version, asList(condition.affected));
  return {
    ...base,
    actual: version,
    result: inside ? 'true' : 'false',
    reason: `${condition.component} ${version} (${fact.source}) is ${inside ? 'in' : 'outside'} the affected range${
      !inside && condition.fixed ? `; fixed in ${condition.fixed}` : ''
    }`,
  };
}

function evaluateKernel(condition: KernelCondition, facts: Facts): CheckedCondition {
  const ranges = asList(condition.kernel);
  const expected = `kernel ${describeRanges(condition.kernel)}${
    condition.feature ? ` (or ${condition.feature.fact} = ${String(condition.feature.equals)})` : ''
  }`;
  const base = { expected, source: condition.source };

  // A probed feature decides directly, whatever the version says (backports included).
  if (condition.feature) {
    const feature = facts[condition.feature.fact];
    if (isKnown(feature) && feature.value !== 'inconclusive') {
      const inside = feature.value === condition.feature.equals;
      return {
        ...base,
        fact: condition.feature.fact,
        actual: String(feature.value),
        result: inside ? 'true' : 'false',
        reason: `probed: ${condition.feature.fact} is ${String(feature.value)} (${feature.source})`,
      };
    }
  }

  const upstream = facts['kernel.upstream'];
  const range = facts['kernel.upstreamRange'];
  const backport = facts['kernel.backportHeavy'];
  if (isKnown(backport) && backport.value === true) {
    // Backports bring a kernel later changes; they do not take it back before its own base:
    // a kernel newer than every affected range is outside it ("<5.11.0" on a 6.8 base).
    if (
      isKnown(upstream) &&
      typeof upstream.value === 'string' &&
      versionAboveRanges(upstream.value, ranges)
    )
      return {
        ...base,
        fact: 'kernel.upstream',
        actual: upstream.value,
        result: 'false',
        reason: `upstream ${upstream.value} (${upstream.source}) is newer than the range; backports do not take a kernel back`,
      };
    return {
      ...base,
      fact: 'kernel.upstream',
      actual: isKnown(upstream) ? String(upstream.value) : null,
      result: 'unknown',
      reason: `this kernel backports (${backport.source}); its version does not decide this`,
    };
  }
  if (isKnown(upstream) && typeof upstream.value === 'string') {
    const inside = versionInRanges(upstream.value, ranges);
    return {
      ...base,
      fact: 'kernel.upstream',
      actual: upstream.value,
      result: inside ? 'true' : 'false',
      reason: `upstream ${upstream.value} (${upstream.source}) is ${inside ? 'in' : 'outside'} the range`,
    };
  }
  if (isKnown(range) && isBounds(range.value)) {
    const { min, max } = range.value;
    const inside = intervalInRanges(min, max, ranges);
    return {
      ...base,
      fact: 'kernel.upstreamRange',
      actual: `${min}..${max}`,
      result: inside === null ? 'unknown' : inside ? 'true' : 'false',
      reason:
        inside === null
          ? `only bounds are known (${range.source}) and the range boundary falls between them`
          : `every version between ${min} and ${max} is ${inside ? 'in' : 'outside'} the range (${range.source})`,
    };
  }
  return {
    ...base,
    fact: 'kernel.upstream',
    actual: null,
    result: 'unknown',
    reason: unknownReason(upstream, 'kernel.upstream'),
  };
}

function isBounds(value: unknown): value is { min: string; max: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { min?: unknown }).min === 'string' &&
    typeof (value as { max?: unknown }).max === 'string'
  );
}

function evaluateFact(condition: FactCondition, facts: Facts): CheckedCondition {
  const fact = facts[condition.fact];
  const expected = describePredicate(condition);
  const base = { fact: condition.fact, expected, source: condition.source };
  if (!isKnown(fact) || fact.value === 'inconclusive') {
    const reason = isKnown(fact)
      ? `probe was inconclusive (${fact.source})`
      : unknownReason(fact, condition.fact);
    return { ...base, actual: null, result: 'unknown', reason };
  }
  const result = testPredicate(condition, fact.value);
  return {
    ...base,
    actual: typeof fact.value === 'string' ? fact.value : JSON.stringify(fact.value),
    result,
    reason: result === 'unknown' ? `cannot compare (${fact.source})` : fact.source,
  };
}

function testPredicate(condition: FactCondition, value: unknown): ConditionResult {
  const checks: boolean[] = [];
  if (condition.equals !== undefined) checks.push(value === condition.equals);
  if (condition.notEquals !== undefined) checks.push(value !== condition.notEquals);
  if (condition.oneOf !== undefined) checks.push(condition.oneOf.includes(value as never));
  if (condition.below !== undefined || condition.atLeast !== undefined) {
    const number =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (Number.isNaN(number)) return 'unknown';
    if (condition.below !== undefined) checks.push(number < condition.below);
    if (condition.atLeast !== undefined) checks.push(number >= condition.atLeast);
  }
  if (condition.includes !== undefined || condition.excludes !== undefined) {
    if (!Array.isArray(value)) return 'unknown';
    if (condition.includes !== undefined) checks.push(value.includes(condition.includes));
    if (condition.excludes !== undefined) checks.push(!value.includes(condition.excludes));
  }
  return checks.every(Boolean) ? 'true' : 'false';
}

function describePredicate(condition: FactCondition): string {
  const parts: string[] = [];
  if (condition.equals !== undefined) parts.push(`= ${String(condition.equals)}`);
  if (condition.notEquals !== undefined) parts.push(`!= ${String(condition.notEquals)}`);
  if (condition.oneOf !== undefined) parts.push(`one of ${condition.oneOf.map(String).join(', ')}`);
  if (condition.below !== undefined) parts.push(`< ${condition.below}`);
  if (condition.atLeast !== undefined) parts.push(`>= ${condition.atLeast}`);
  if (condition.includes !== undefined) parts.push(`includes ${condition.includes}`);
  if (condition.excludes !== undefined) parts.push(`lacks ${condition.excludes}`);
  return `${condition.fact} ${parts.join(' and ')}`;
}
