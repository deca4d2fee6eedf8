// Severities of known issues, least to most severe; apart from the schema so that code which
// ranks findings does not load the schema library.
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
