// Property-based tests (fast-check): every parser takes arbitrary input without throwing and
// gives an answer of the right shape, and diagnose never throws. Runs are bounded so the suite
// stays fast; FUZZ_RUNS raises them for a longer local run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { diagnose } from '../src/core/diagnose.js';
import { parseFactsFile } from '../src/core/facts-file.js';
import { resolveKernelRelease } from '../src/core/kernel-release.js';
import { RecordReader } from '../src/core/log-records.js';
import { normalizeVersion, parseRange, versionInRanges } from '../src/core/versions.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import {
  BUILTIN_KB_DIR,
  loadKnowledgeBase,
  parseKnownIssue,
  type KbProblem,
} from '../src/kb/load.js';
import { formatJson } from '../src/report/json.js';
import { formatVerifierJson } from '../src/report/verifier.js';
import { assertMatchesSchema } from './output-schemas.js';
import { loadCatalogue } from '../src/verifier/catalogue-file.js';
import { explainVerifierLog } from '../src/verifier/explain.js';
import { parseVerifierLog } from '../src/verifier/parse.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const kb = loadKnowledgeBase();
const catalogue = loadCatalogue();

// Text that looks like logs: fragments of real signatures, verifier lines and formats, mixed with noise.
const fragments = [
  ...kb.issues.flatMap((issue) => issue.examples.map((example) => example.text.slice(0, 120))),
  '0: (85) call bpf_map_lookup_elem#1',
  '12: (61) r1 = *(u32 *)(r0 +0)',
  "R0 invalid mem access 'map_value_or_null'",
  'processed 12 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0',
  '-- BEGIN PROG LOAD LOG --',
  'from 7 to 9: R0=inv0',
  '2024-03-01T12:00:00.123456789Z stderr P ',
  '{"log":"x","stream":"stderr","time":"2024-01-01T00:00:00Z"}',
  '__CURSOR=s=1',
  'MESSAGE=hello',
  '\\n',
  '\\"',
  'bpf create `',
];
const logText = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 40 }), fc.constant('\n')), {
    maxLength: 40,
  })
  .map((parts) => parts.join(''));

test('resolveKernelRelease never throws; an upstream version it gives is X.Y.Z', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,3}(\.[0-9]{1,4})?[-.+~a-z0-9]{0,30}$/),
      ),
      (release) => {
        const resolved = resolveKernelRelease(release);
        if (resolved.upstream !== undefined) assert.match(resolved.upstream, /^\d+\.\d+\.\d+$/);
      },
    ),
    { numRuns: RUNS },
  );
});

test('versions: normalizeVersion gives X.Y.Z[-pre] or null, and range checks never throw', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.stringMatching(/^v?[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-~+][a-z0-9.+~-]{0,12})?$/),
      ),
      fc.string({ maxLength: 30 }),
      (text, range) => {
        const version = normalizeVersion(text);
        if (version === null) return;
        assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
        if (parseRange(range)) versionInRanges(version, [range]);
      },
    ),
    { numRuns: RUNS },
  );
});

test('a facts file of any JSON shape is accepted or refused with a reason, never thrown on', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (json) => {
      const result = parseFactsFile(json);
      assert.ok('facts' in result || typeof result.problem === 'string');
    }),
    { numRuns: RUNS },
  );
});

test('the verifier parser takes any text; what it reports is consistent', () => {
  fc.assert(
    fc.property(logText, (text) => {
      const report = explainVerifierLog(parseVerifierLog(text), catalogue);
      assertMatchesSchema('verifier-report', JSON.parse(formatVerifierJson(report)));
      assert.ok(['rejected', 'accepted', 'unknown'].includes(report.outcome));
      if (report.error !== null)
        assert.ok(
          text.replace(/\\n/g, '\n').includes(report.error.slice(0, 20)) ||
            text.includes(report.error.slice(0, 20)),
        );
      assert.ok(report.recentInsns.length <= 12);
    }),
    { numRuns: RUNS },
  );
});

test('log records: any lines give records in order, none longer than the bound', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string()), { maxLength: 30 }),
      (lines) => {
        const records: { line: number; text: string }[] = [];
        const reader = new RecordReader((record) => records.push(record));
        lines.forEach((line, index) => reader.push(line, index + 1));
        reader.finish();
        for (let i = 1; i < records.length; i++)
          assert.ok(records[i]!.line >= records[i - 1]!.line);
        assert.ok(records.length <= lines.length);
      },
    ),
    { numRuns: RUNS },
  );
});

test('diagnose never throws on log-like text, and its report is well formed', () => {
  fc.assert(
    fc.property(logText, (text) => {
      const report = diagnose([{ name: 'x', text }], {}, kb, { verifierCatalogue: catalogue });
      assert.equal(report.schemaVersion, 1);
      assertMatchesSchema('report', JSON.parse(formatJson(report)));
      for (const finding of report.findings) {
        assert.ok(finding.occurrences >= finding.matches.length);
        assert.ok(kb.byId.has(finding.id));
      }
    }),
    { numRuns: RUNS },
  );
});

// Knowledge-base files as input: the built-in entries, mutated the ways hand edits and hostile
// files go wrong, and arbitrary YAML values. Loading never throws; it accepts the entry or names
// each problem with a line inside the file.
const builtinEntries = readdirSync(BUILTIN_KB_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => ({ name, text: readFileSync(join(BUILTIN_KB_DIR, name), 'utf8') }));

function checkLoad(text: string, file: string): void {
  const problems: KbProblem[] = [];
  const issue = parseKnownIssue(text, file, problems);
  const lines = text.split('\n').length;
  if (issue === undefined) assert.ok(problems.length > 0, 'a refused entry says why');
  for (const problem of problems) {
    assert.equal(problem.file, file);
    assert.ok(problem.line >= 1 && problem.line <= lines, `line ${problem.line} of ${lines}`);
    assert.ok(problem.message.length > 0 && !problem.message.includes('\n'));
  }
  if (issue)
    for (const signature of issue.signatures) assert.equal(signature.regex.test(''), false);
}

const lineEdit = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({ maxLength: 30 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      "    pattern: '(a+)+$'",
      "    pattern: '(x|xy)*z'",
      "    pattern: '(?:)'",
      "    pattern: '['",
      '  - fact: kernel.no.such.fact',
      "    affected: '>=1.0 <<2'",
      'severity: 7',
      'signatures: {}',
      'id: other-id',
      '  - &a [*a]',
      '\t\tbad: indent',
      'related: [no-such-entry]',
    ),
  }),
);

test('knowledge-base YAML: mutated entries are loaded or refused with file:line, never thrown on', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...builtinEntries),
      fc.array(lineEdit, { minLength: 1, maxLength: 4 }),
      ({ name, text }, edits) => {
        let lines = text.split('\n');
        for (const edit of edits) {
          const at = edit.at % lines.length;
          if (edit.kind === 'delete') lines.splice(at, 1);
          else if (edit.kind === 'duplicate') lines.splice(at, 0, lines[at]!);
          else if (edit.kind === 'truncate') lines = lines.slice(0, at + 1);
          else if (edit.kind === 'insert') lines.splice(at, 0, edit.text);
          else lines[at] = edit.text;
        }
        checkLoad(lines.join('\n'), name);
      },
    ),
    { numRuns: Math.ceil(RUNS / 2) }, // each run validates and compiles a whole entry,
  );
});

test('knowledge-base YAML: any YAML value, or an entry with fields of any type, is never thrown on', () => {
  const base = parse(builtinEntries[0]!.text) as Record<string, unknown>;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.jsonValue().map((value) => stringify(value)),
        fc
          .record({ key: fc.constantFrom(...Object.keys(base)), value: fc.jsonValue() })
          .map(({ key, value }) => stringify({ ...base, [key]: value })),
      ),
      (text) => checkLoad(text, builtinEntries[0]!.name),
    ),
    { numRuns: RUNS },
  );
});
