// The library API: the pure core, the knowledge-base loader and the formatters.
export { diagnose, check, type TextInput, type DiagnoseOptions } from './core/diagnose.js';
export type { Report, Finding, Match, CheckedCondition, Verdict } from './core/report.js';
export { REPORT_SCHEMA_VERSION, hasActionableFindings } from './core/report.js';
export { kernelFacts, componentFact, mergeFacts, type Facts, type Fact } from './core/facts.js';
export { resolveKernelRelease, type KernelResolution } from './core/kernel-release.js';
export { loadKnowledgeBase, type KnowledgeBase, type LoadedIssue } from './kb/load.js';
export type { KnownIssue } from './kb/schema.js';
export { formatJson } from './report/json.js';
export { formatText } from './report/text.js';
export { formatMarkdown } from './report/markdown.js';
