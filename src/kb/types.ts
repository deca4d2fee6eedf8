// The knowledge base as the engine uses it: entries validated, their regexes compiled.
import type { KnownIssue, Signature } from './schema.js';

export interface CompiledSignature extends Signature {
  regex: RegExp;
  startRegex?: RegExp;
  excludeRegex?: RegExp;
  /** The sources the regexes were built from (case folded for ignoreCase), for the build's cache. */
  compiled: { pattern: string; start?: string; exclude?: string };
  /** Strings one of which every match contains (lower-cased for ignoreCase), or null: the prefilter. */
  literals: string[] | null;
}

export interface LoadedIssue extends Omit<KnownIssue, 'signatures'> {
  signatures: CompiledSignature[];
  /** Where the entry came from, for messages. */
  file: string;
  builtin: boolean;
}

export interface KnowledgeBase {
  issues: LoadedIssue[];
  byId: Map<string, LoadedIssue>;
}
