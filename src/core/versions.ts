// Version parsing and range checks for components and kernels, on top of the semver library.
//
// Kernel and runtime versions are not always semver ("1.14", "5.10.197", "1.2.0-rc.1"), so a
// version is first normalised to X.Y.Z[-pre]; ranges use npm's range syntax (">=1.14.0 <1.14.1").
// semver compares the numeric fields as numbers, which is what kernel versions need
// (5.10.262 > 5.10.99; major 7 exists).
import semver from 'semver';

/**
 * A normalised X.Y.Z[-pre] version string, or null when the text holds no version.
 *
 * Packaged versions carry the packager's parts, which semver would misread: a Debian or RPM
 * revision ("1.1.12-0ubuntu2~22.04.1", "1.1.5+ds1-1+deb12u1", "1.1.12-1.fc39") would be a
 * pre-release of 1.1.12, so it is dropped; Debian's "~rc93" is the pre-release "-rc.93"; and
 * "rc92" becomes "rc.92" so that rc10 sorts after rc9 (runc 1.0.0-rc92), as semver compares a
 * numeric identifier by number but "rc10" and "rc9" as text.
 */
export function normalizeVersion(text: string): string | null {
  // A component too long for a safe integer is not a version; semver.coerce would skip it and
  // read a later part ("99999999999999999999.1.1" as 1.1.0).
  if (/^\s*v?(?:\d+\.){0,2}\d*\d{16}/i.test(text)) return null;
  const trimmed = text
    .trim()
    .replace(/^v/i, '')
    .replace(/^\d+:(?=\d)/, '') // Debian epoch "1:1.1.5"
    .replace(/\+[0-9A-Za-z.+~]*$/, (tail) => tail.replace(/-.*$/, '')) // "+ds1-1+deb12u1"
    .replace(/-\d[0-9A-Za-z.~+]*$/, '') // a packaging revision: "-0ubuntu2~22.04.1", "-1.fc39"
    .replace(/~(?=(?:alpha|beta|rc)\.?\d)/, '-')
    .replace(/\+.*$/, '');
  const exact = semver.valid(splitPrereleaseNumbers(trimmed), { loose: true });
  if (exact) return exact;
  // "1.14", "5.15", "1.1.12+dfsg" and "1.2.0-rc.1~ds1" all carry a usable leading version.
  const coerced = semver.coerce(splitPrereleaseNumbers(trimmed), { includePrerelease: true });
  return coerced ? coerced.version : null;
}

/** "1.0.0-rc92" -> "1.0.0-rc.92", in a version or a range, so pre-release numbers compare as numbers. */
function splitPrereleaseNumbers(text: string): string {
  return text.replace(/(-(?:[0-9A-Za-z]+\.)*)(alpha|beta|rc|pre)(\d+)/g, '$1$2.$3');
}

/** Parses a range in npm syntax; returns null when it is not a valid range. */
export function parseRange(text: string): semver.Range | null {
  try {
    return new semver.Range(splitPrereleaseNumbers(text), { includePrerelease: true });
  } catch {
    return null;
  }
}

/** True when the version lies in any of the ranges. */
export function versionInRanges(version: string, ranges: readonly string[]): boolean {
  return ranges.some((range) =>
    semver.satisfies(version, splitPrereleaseNumbers(range), { includePrerelease: true }),
  );
}

/**
 * True when the version is newer than every version any of the ranges holds: each range has an
 * upper bound and the version is above it ("<5.11.0" and 6.8.12).
 */
export function versionAboveRanges(version: string, ranges: readonly string[]): boolean {
  return ranges.every((range) =>
    semver.gtr(version, splitPrereleaseNumbers(range), { includePrerelease: true }),
  );
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
    const bounds = new semver.Range(splitPrereleaseNumbers(range), {
      includePrerelease: true,
    }).set.flat();
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
