// What the report options left out (--ignore and ignore files, --min-severity, --verdict), as the
// JSON reports of why, check and verifier carry it. Types only, imported by the Report and the
// VerifierReport, so neither imports the other's module for it (the verdicts are spelt out here:
// src/core/report-filter.ts checks at compile time that they are report.ts's VERDICTS).
import type { Severity } from '../kb/severity.js';

/** A finding an ignore entry left out, and the entry that did. */
export interface IgnoredFinding {
  id: string;
  /** Where the entry is: "--ignore", "<ignore file>:<line>", "<config file>". */
  by: string;
  /** The entry's expiry date (YYYY-MM-DD), when it has one: it ignores until the day before. */
  expires?: string;
}

/** Present when some filter was given; absent otherwise. */
export interface FilterSummary {
  /** Findings left out as accepted risks; their number is how many were ignored. */
  ignored: IgnoredFinding[];
  /** How many findings --min-severity or --verdict left out. */
  leftOut: number;
  /** The filters in effect. */
  minSeverity?: Severity;
  verdicts?: FilterVerdict[];
}

export type FilterVerdict = 'confirmed' | 'likely' | 'at-risk' | 'ruled-out' | 'benign';
