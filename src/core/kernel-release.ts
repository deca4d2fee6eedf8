// Resolves a kernel release string (uname -r) to the upstream version behind it.
//
// Distro kernels hide their upstream version: Debian's "5.10.0-26-amd64" is 5.10.197 and
// Ubuntu's "5.15.0-73-generic" is 5.15.98. Known issues state kernel ranges on the upstream
// version, so the release is resolved, in this order of trust:
//   1. Ubuntu's /proc/version_signature ("Ubuntu 5.15.0-73.80-generic 5.15.98"),
//   2. Debian's `uname -v` ("#1 SMP Debian 5.10.197-1 (2023-09-29)"),
//   3. the distro ABI table in data/kernel-abi-map.json (exact points or bounds),
//   4. the leading X.Y.Z of a release that is upstream-numbered (Fedora, Arch, Amazon Linux...).
// Otherwise the version is unknown, never guessed as X.Y.0. Kernels that keep a base version
// and backport (RHEL and rebuilds, Oracle UEK, SLES/Leap, frozen Ubuntu signatures) are
// flagged backportHeavy: a version comparison there says little.
import { createRequire } from 'node:module';
import { normalizeVersion, compareVersions } from './versions.js';

export type KernelResolver =
  'ubuntu-version-signature' | 'debian-uname-v' | 'abi-table' | 'release-string' | 'unresolved';

export interface KernelResolution {
  release: string;
  /** The exact upstream version, when it is known. */
  upstream?: string;
  /** Inclusive bounds, when only bounds are known (an ABI between two known points). */
  upstreamRange?: { min: string; max: string };
  /** The X.Y.Z the release string starts with (the base series on backporting distros). */
  base?: string;
  distro?: string;
  resolvedBy: KernelResolver;
  backportHeavy: boolean;
  /** How the result was reached, for the user. */
  detail: string;
}

export interface KernelVersionHints {
  /** Contents of /proc/version_signature (Ubuntu only). */
  versionSignature?: string;
  /** `uname -v`, or the whole of /proc/version. */
  unameVersion?: string;
}

interface AbiEntry {
  distro: string;
  suite?: string;
  series?: string;
  release_prefix: string;
  upstream: string;
  upstream_max?: string;
  debian_versions?: string[];
  confidence: string;
  source: string;
}

const require = createRequire(import.meta.url);
let abiTable: AbiEntry[] | undefined;
function loadAbiTable(): AbiEntry[] {
  abiTable ??= require('../../data/kernel-abi-map.json') as AbiEntry[];
  return abiTable;
}

// Final releases of upstream series that Ubuntu shipped as non-LTS or HWE kernels. Once a
// series is end-of-life upstream, Ubuntu keeps backporting fixes but its version signature
// stays at the final release, so that number no longer says what the kernel contains.
// Source: kernel.org release history (the last tag of each linux-X.Y.y stable branch).
const FROZEN_UBUNTU_FINAL_RELEASES = new Set([
  '4.15.18',
  '5.8.18',
  '5.11.22',
  '5.13.19',
  '5.19.17',
  '6.2.16',
  '6.5.13',
  '6.8.12',
  '6.11.11',
]);

const DEBIAN_FLAVOUR =
  '(?:[a-z0-9]+-)*(?:amd64|arm64|i386|686|686-pae|armmp|armmp-lpae|armel|marvell|rpi|powerpc64le|ppc64el|s390x|mips64el|mipsel|loong64|riscv64)';
const DEBIAN_ABI = new RegExp(`^(\\d+\\.\\d+)\\.0-(\\d+)-${DEBIAN_FLAVOUR}$`);
// A newer Debian release's kernel built for the previous release: bookworm's 6.1 in
// bullseye-backports (6.1.0-0.deb11.7-amd64, Debian 6.1.20-2~bpo11+1) and later as linux-6.1
// in bullseye-security (6.1.0-0.deb11.52-amd64, Debian 6.1.180-1~deb11u1). N in 0.debNN.N is
// the ABI number the same upload has in the newer release (bookworm's 6.1.0-N), so such a
// release resolves through that release's rows; rows of its own (suites bullseye-backports and
// bullseye-security in the table) record the builds whose upload version was seen, each with
// its provenance, and establish the numbering for a series.
const DEBIAN_REBUILD_ABI = new RegExp(
  `^(\\d+\\.\\d+)\\.0-0\\.deb(\\d+)\\.(\\d+)-${DEBIAN_FLAVOUR}$`,
);
const UBUNTU_ABI = /^(\d+\.\d+)\.0-(\d+)-([a-z][a-z0-9-]*)$/;
const UBUNTU_FLAVOURS =
  /^(generic|lowlatency|generic-64k|generic-lpae|generic-hwe|lowlatency-64k|raspi|raspi-nolpae)$/;
const UBUNTU_CLOUD_OR_OEM =
  /^(aws|azure|gcp|gke|gkeop|oracle|kvm|ibm|oem|nvidia|intel-iotg|realtime|xilinx|fips|azure-fde|aws-fips)/;

const RHEL_LIKE = /\.el\d+(?:_\d+)?(?:uek)?\b|\.el\d+uek|uek/;
// SLES and Leap: 5.14.21-150500.55.19-default, 4.12.14-122.37-default,
// 5.14.21-150500.33.29-azure (a dotted build number). openSUSE Tumbleweed and MicroOS are
// rolling upstream kernels with a plain build number: 7.2.0-1-default.
const SUSE_LIKE = /^\d+\.\d+\.\d+-(?:\d{6}\.[\d.]+-[a-z0-9]+|\d+\.[\d.]+-default)$/;
const SUSE_ROLLING = /^\d+\.\d+\.\d+-\d+-default$/;

/**
 * Why a string given as a kernel release (--kernel, a facts file) is not one, or null when it
 * is: it starts with MAJOR.MINOR, numbers of a real kernel's size (Linux 1.0 to 99.x).
 */
export function kernelReleaseProblem(text: string): string | null {
  const release = text.trim();
  if (release === '') return 'empty; give a release as uname -r prints it, e.g. 5.15.0-91-generic';
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?=$|[^\d.])/.exec(release);
  if (!match)
    return 'not a kernel release: it must start with MAJOR.MINOR as uname -r prints it, e.g. 5.15.0-91-generic or 6.1.58';
  const [major, minor, patch] = [match[1]!, match[2]!, match[3] ?? '0'].map(Number);
  if (major! < 1 || major! > 99 || minor! > 999 || patch! > 99_999)
    return `not a kernel release: ${match[0]} is outside any Linux version (majors 1 to 99, minors up to 999, patches up to 99999)`;
  return null;
}

/** Resolves a release string, using live hints when the caller has them. */
export function resolveKernelRelease(
  releaseText: string,
  hints: KernelVersionHints = {},
): KernelResolution {
  const release = releaseText.trim();
  const base = leadingVersion(release);
  const common = { release, ...(base ? { base } : {}) };
  const fromRelease = (upstream: string, detail: string, distro?: string): KernelResolution => ({
    ...common,
    upstream,
    ...(distro ? { distro } : {}),
    resolvedBy: 'release-string',
    backportHeavy: false,
    detail,
  });
  const unresolved = (distro: string, detail: string, backportHeavy = false): KernelResolution => ({
    ...common,
    distro,
    resolvedBy: 'unresolved',
    backportHeavy,
    detail,
  });

  const signature = hints.versionSignature?.trim();
  if (signature) {
    // "Ubuntu 5.15.0-73.80-generic 5.15.98": the last field is the upstream base.
    const upstream = normalizeVersion(signature.split(/\s+/).pop() ?? '');
    if (upstream) {
      const frozen = FROZEN_UBUNTU_FINAL_RELEASES.has(upstream);
      return {
        ...common,
        upstream,
        distro: 'ubuntu',
        resolvedBy: 'ubuntu-version-signature',
        backportHeavy: frozen,
        detail: frozen
          ? `/proc/version_signature says ${upstream}, the final release of an end-of-life series: Ubuntu backports past it, so the number is frozen`
          : `/proc/version_signature says ${upstream}`,
      };
    }
  }

  const debianVersion = hints.unameVersion?.match(/Debian (?:\d+:)?(\d+\.\d+\.\d+)-[\w.+~]+/);
  if (debianVersion?.[1]) {
    return {
      ...common,
      upstream: debianVersion[1],
      distro: 'debian',
      resolvedBy: 'debian-uname-v',
      backportHeavy: false,
      detail: `uname -v names Debian package ${debianVersion[0].slice('Debian '.length)}`,
    };
  }

  if (/-Microsoft$/.test(release)) {
    return unresolved(
      'wsl1',
      `${release} is WSL 1: Windows emulates the Linux system calls, there is no Linux kernel (no BPF, no cgroups)`,
    );
  }
  // Ubuntu mainline PPA builds are vanilla: 5.13.0-051300-generic is 5.13.0 (the six digits
  // repeat major, minor and patch).
  const mainline = /^(\d+)\.(\d+)\.(\d+)-0?(\d{2})(\d{2})(\d{2})(?:rc\d+)?-[a-z]+/.exec(release);
  if (
    mainline &&
    Number(mainline[1]) === Number(mainline[4]) &&
    Number(mainline[2]) === Number(mainline[5]) &&
    Number(mainline[3]) === Number(mainline[6])
  ) {
    const upstream = `${Number(mainline[1])}.${Number(mainline[2])}.${Number(mainline[3])}`;
    return fromRelease(
      upstream,
      `${release} is an Ubuntu mainline build of upstream ${upstream}`,
      'ubuntu-mainline',
    );
  }
  // ELRepo's kernel-ml/kernel-lt for EL are vanilla upstream kernels, not RHEL backports.
  const elrepo = /^(\d+\.\d+\.\d+)-\d+\.el\d+\.elrepo/.exec(release);
  if (elrepo?.[1]) {
    return fromRelease(
      elrepo[1],
      `${release} is an ELRepo build of upstream ${elrepo[1]}`,
      'elrepo',
    );
  }
  // RHEL and its rebuilds keep patch level 0 in their base (3.10.0, 4.18.0, 5.14.0); an el7
  // build with a real patch level (4.9.86-30.el7) is a packaged upstream kernel.
  if (RHEL_LIKE.test(release)) {
    const uek = /uek/.test(release);
    if (!uek && base && !base.endsWith('.0')) {
      return fromRelease(
        base,
        `${release} carries a real patch level, so it is a packaged upstream kernel, not a RHEL backport kernel`,
        'el-rebuild',
      );
    }
    return unresolved(
      uek ? 'oracle-uek' : 'rhel-family',
      `${release} is a RHEL-family kernel: it keeps base ${base ?? '?'} and backports, so the upstream version is not meaningful`,
      true,
    );
  }
  if (SUSE_LIKE.test(release)) {
    return unresolved(
      'suse',
      `${release} is a SUSE kernel: it keeps base ${base ?? '?'} and backports, so the upstream version is not meaningful`,
      true,
    );
  }

  const rebuild = release.match(DEBIAN_REBUILD_ABI);
  if (rebuild?.[1] && rebuild[2] && rebuild[3]) {
    const resolved = resolveDebianRebuild(
      common,
      rebuild[1],
      Number(rebuild[2]),
      Number(rebuild[3]),
    );
    if (resolved) return resolved;
  }
  const debian = release.match(DEBIAN_ABI);
  if (debian?.[1] && debian[2]) {
    return resolveFromAbiTable(common, 'debian', debian[1], Number(debian[2]));
  }
  const ubuntu = release.match(UBUNTU_ABI);
  if (ubuntu?.[1] && ubuntu[2] && ubuntu[3]) {
    const abi = Number(ubuntu[2]);
    const flavour = ubuntu[3];
    if (UBUNTU_FLAVOURS.test(flavour) && abi < 1000) {
      return resolveFromAbiTable(common, 'ubuntu', ubuntu[1], abi);
    }
    if (UBUNTU_CLOUD_OR_OEM.test(flavour) || abi >= 1000) {
      return unresolved(
        'ubuntu',
        `${release} is an Ubuntu ${flavour} kernel: its ABI numbers are a separate sequence; read /proc/version_signature on the host`,
      );
    }
  }

  // Upstream-numbered releases: Fedora (6.5.6-300.fc39.x86_64), Arch (6.6.7-arch1-1), Amazon
  // Linux (5.10.205-195.807.amzn2.x86_64), WSL2 (5.15.133.1-microsoft-standard-WSL2), Flatcar,
  // Talos, COS (6.1.58+), Bottlerocket, Debian >= trixie (6.12.12-amd64), plain "5.15.98".
  // A patch level of 0 followed by a distro suffix is usually a placeholder (Debian's and
  // Ubuntu's X.Y.0-ABI, Deepin's 4.19.0-desktop-amd64), so only known upstream-numbered
  // families may claim X.Y.0.
  const upstreamNumbered = release.match(/^(\d+)\.(\d+)\.(\d+)(?=$|[-+._~]|\D)/);
  const placeholderZero =
    upstreamNumbered?.[3] === '0' &&
    release.length > upstreamNumbered[0].length &&
    !/\.fc\d+|amzn|-arch\d|microsoft-standard|flatcar|talos/.test(release) &&
    !SUSE_ROLLING.test(release);
  if (upstreamNumbered && !placeholderZero) {
    const upstream = normalizeVersion(upstreamNumbered[0]);
    if (upstream)
      return fromRelease(
        upstream,
        `the release string starts with the upstream version ${upstream}`,
      );
  }

  const series = release.match(/^(\d+)\.(\d+)(?!\d)/);
  if (series) {
    // "5.15" alone: only the series is known. Bounds, never X.Y.0.
    const min = `${series[1]}.${series[2]}.0`;
    return {
      ...common,
      upstreamRange: { min, max: `${series[1]}.${series[2]}.9999` },
      resolvedBy: 'release-string',
      backportHeavy: false,
      detail: `only the series ${series[1]}.${series[2]} is known`,
    };
  }

  return {
    ...common,
    resolvedBy: 'unresolved',
    backportHeavy: false,
    detail: base
      ? `${release} is not a release format kcompat can map to an upstream version (base ${base})`
      : `${release} does not look like a kernel release`,
  };
}

/**
 * A Debian X.Y.0-0.debNN.N release: its own row when the table has one, else the newer
 * release's X.Y.0-N when the table shows that this series was rebuilt for Debian NN (at least
 * one row of its own); otherwise undefined (only the series is known).
 */
function resolveDebianRebuild(
  common: { release: string; base?: string },
  series: string,
  debianRelease: number,
  abi: number,
): KernelResolution | undefined {
  const prefix = `${series}.0-0.deb${debianRelease}.`;
  const rows = loadAbiTable().filter(
    (entry) => entry.distro === 'debian' && entry.release_prefix.startsWith(prefix),
  );
  if (rows.length === 0) return undefined;
  const label = `Debian ${series}.0-0.deb${debianRelease}.${abi}`;
  const own = rows.find((entry) => entry.release_prefix === `${prefix}${abi}-`);
  if (own) {
    const base = { ...common, distro: 'debian', resolvedBy: 'abi-table' as const };
    const uploads = own.debian_versions?.length ? `, upload ${own.debian_versions.join(', ')}` : '';
    const why = `${label} (ABI table, ${own.suite ?? 'debian'}, ${own.confidence}${uploads})`;
    if (own.upstream_max && own.upstream_max !== own.upstream)
      return {
        ...base,
        backportHeavy: false,
        upstreamRange: { min: own.upstream, max: own.upstream_max },
        detail: `${why} covers ${own.upstream} to ${own.upstream_max}`,
      };
    return {
      ...base,
      backportHeavy: false,
      upstream: own.upstream,
      detail: `${why} is ${own.upstream}`,
    };
  }
  const through = resolveFromAbiTable(common, 'debian', series, abi);
  if (through.resolvedBy !== 'abi-table') return undefined;
  const seen = rows.map((entry) => entry.release_prefix.slice(prefix.length, -1)).join(', ');
  return {
    ...through,
    detail: `${label} is the newer release's ABI ${series}.0-${abi} rebuilt for Debian ${debianRelease} (the numbering holds for 0.deb${debianRelease}.${seen} in the table): ${through.detail}`,
  };
}

function resolveFromAbiTable(
  common: { release: string; base?: string },
  distro: 'debian' | 'ubuntu',
  series: string,
  abi: number,
): KernelResolution {
  // Only the release's own X.Y.0-N rows: rebuilds for an older release (X.Y.0-0.debNN.N) have
  // their own lookup, resolveDebianRebuild.
  const ownAbi = new RegExp(`^${series.replace('.', '\\.')}\\.0-\\d+-$`);
  const points = loadAbiTable()
    .filter((entry) => entry.distro === distro && ownAbi.test(entry.release_prefix))
    .map((entry) => ({ entry, abi: Number(entry.release_prefix.split('-')[1]) }))
    .sort((a, b) => a.abi - b.abi);
  const exact = points.find((point) => point.abi === abi);
  const label = `${distro === 'debian' ? 'Debian' : 'Ubuntu'} ABI ${series}.0-${abi}`;

  if (exact && exact.entry.confidence !== 'multi-with-conflict') {
    const { entry } = exact;
    const frozen = distro === 'ubuntu' && FROZEN_UBUNTU_FINAL_RELEASES.has(entry.upstream);
    const base = { ...common, distro, resolvedBy: 'abi-table' as const, backportHeavy: frozen };
    const why = `${label} (ABI table, ${entry.confidence})`;
    if (entry.upstream_max && entry.upstream_max !== entry.upstream) {
      return {
        ...base,
        upstreamRange: { min: entry.upstream, max: entry.upstream_max },
        detail: `${why} covers ${entry.upstream} to ${entry.upstream_max}`,
      };
    }
    return {
      ...base,
      upstream: entry.upstream,
      detail: frozen
        ? `${why} is ${entry.upstream}, a frozen signature of an end-of-life series`
        : `${why} is ${entry.upstream}`,
    };
  }

  // Between known points, or past the last one: bounds only.
  const below = points.filter((point) => point.abi < abi || point.abi === abi).pop();
  const above = points.find((point) => point.abi > abi);
  if (below || above) {
    const min = below?.entry.upstream ?? `${series}.0`;
    const max = above ? (above.entry.upstream_max ?? above.entry.upstream) : `${series}.9999`;
    if (compareVersions(min, max) <= 0) {
      const frozen = distro === 'ubuntu' && FROZEN_UBUNTU_FINAL_RELEASES.has(min);
      return {
        ...common,
        distro,
        upstreamRange: { min, max },
        resolvedBy: 'abi-table',
        backportHeavy: frozen,
        detail: `${label} is not in the table; between its neighbours it is ${min} to ${above ? max : `a later ${series}.y`}`,
      };
    }
  }
  return {
    ...common,
    distro,
    resolvedBy: 'unresolved',
    backportHeavy: false,
    detail: `${label} is not in the ABI table`,
  };
}

function leadingVersion(release: string): string | undefined {
  const match = release.match(/^(\d+)\.(\d+)(?:\.(\d+))?/);
  if (!match) return undefined;
  return `${match[1]}.${match[2]}.${match[3] ?? '0'}`;
}
