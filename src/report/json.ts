// JSON output: the Report as it is, versioned by schemaVersion; and facts alone for `probe`.
import { compareText } from '../core/versions.js';
import type { Facts } from '../core/facts.js';
import { REPORT_SCHEMA_VERSION, type Report } from '../core/report.js';

export function formatJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** What `kcompat probe --format json` prints: the same facts object `why` and `check` include. */
export interface FactsDocument {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  facts: Facts;
}

export function formatFactsJson(facts: Facts): string {
  const document: FactsDocument = { schemaVersion: REPORT_SCHEMA_VERSION, facts: sortFacts(facts) };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function sortFacts(facts: Facts): Facts {
  return Object.fromEntries(Object.entries(facts).sort(([a], [b]) => compareText(a, b)));
}
