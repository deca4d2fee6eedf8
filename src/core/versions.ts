// Version parsing and range checks for components and kernels, on top of the semver library.
//
// Kernel and runtime versions are not always semver ("1.14", "5.10.197", "1.2.0-rc.1"), so a
// version is first normalised to X.Y.Z[-pre]; ranges use npm's range syntax (">=1.14.0 <1.14.1").
// semver compares the numeric fields as numbers, which is what kernel versions need
// (5.10.262 > 5.10.99; major 7 exists).
import semver from 'semver';

/** A normalised X.Y.Z[-pre] version string, or null when the text holds no version. */
export function normalizeVersion(text: string): string | null {
  const trimmed = text.trim().replace(/^v/i, '');
  const exact = semver.valid(trimmed, { loose: true });
  if (exact) return exact;
  // "1.14", "5.15", "1.1.12+dfsg" and "1.2.0-rc.1~ds1" all carry a usable leading version.
  const coerced = semver.coerce(trimmed, { includePrerelease: true });
  return coerced ? coerced.version : null;
}

/** Parses a range in npm syntax; returns null when it is not a valid range. */
export function parseRange(text: string): semver.Range | null {
  try {
    return new semver.Range(text, { includePrerelease: true });
  } catch {
    return null;
  }
}

/** True when the version lies in any of the ranges. */
export function versionInRanges(version: string, ranges: readonly string[]): boolean {
  return ranges.some((range) => semver.satisfies(version, range, { includePrerelease: true }));
}

/**
 * Three-state membership of an interval [min, max] (both inclusive) in a set of ranges:
 * true when every version in the interval is inside, false when none is, null otherwise.
 * Used when only bounds are known (a distro ABI between two known points).
 */
export function intervalInRanges(
  min: string,
  max: string,
  ranges: readonly string[],
): boolean | null {
  const lowIn = versionInRanges(min, ranges);
  const highIn = versionInRanges(max, ranges);
  if (semver.eq(min, max)) return lowIn;
  if (lowIn !== highIn) return null;
  // Both ends agree; a range boundary could still fall strictly inside the interval.
  for (const range of ranges) {
    const bounds = new semver.Range(range, { includePrerelease: true }).set.flat();
    for (const comparator of bounds) {
      // An unbounded comparator (the range "*") has no version to compare.
      const edge = comparator.semver as semver.SemVer | symbol;
      if (typeof edge === 'symbol' || comparator.value === '') continue;
      if (semver.gt(edge.version, min) && semver.lt(edge.version, max)) return null;
    }
  }
  return lowIn;
}

export function compareVersions(a: string, b: string): number {
  return semver.compare(a, b);
}

/** Orders strings by code unit: stable everywhere, and without loading ICU's collator. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
