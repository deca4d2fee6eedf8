// The library API (README, "Library"): the pure core (diagnose, check), the knowledge-base
// loader, facts, reading files and verifier logs (src/library.ts), this host's facts
// (collectFacts, the only export that reads the machine) and the formatters.
export { diagnose, check, type TextInput, type DiagnoseOptions } from './core/diagnose.js';
export type { Report, Finding, Match, CheckedCondition, Verdict } from './core/report.js';
export { REPORT_SCHEMA_VERSION, hasActionableFindings } from './core/report.js';
export {
  kernelFacts,
  componentFact,
  mergeFacts,
  FactInputError,
  type Facts,
  type Fact,
} from './core/facts.js';
export { resolveKernelRelease, type KernelResolution } from './core/kernel-release.js';
export { loadKnowledgeBase, KbLoadError, type KnowledgeBase, type LoadedIssue } from './kb/load.js';
export type { KnownIssue } from './kb/schema.js';
export { formatJson } from './report/json.js';
export { formatText, type TextOptions } from './report/text.js';
export { formatMarkdown } from './report/markdown.js';
export type { InputSummary } from './core/report.js';
export { collectFacts, type CollectOptions } from './host/collect.js';
export {
  scanFiles,
  explainVerifierLog,
  VERSION,
  type ScanFilesOptions,
  type ExplainVerifierOptions,
} from './library.js';
export type { VerifierReport } from './verifier/explain.js';
export {
  formatVerifierJson,
  formatVerifierText,
  formatVerifierMarkdown,
} from './report/verifier.js';
