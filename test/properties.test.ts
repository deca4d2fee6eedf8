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
import { InputError } from '../src/cli/errors.js';
import { TextStage } from '../src/cli/text-stage.js';
import { ZstdWindowError, ZstdWindowGuard } from '../src/cli/zstd-window.js';
import { JournalExportDecoder, JournalExportError } from '../src/core/journal-export.js';
import { foldCase } from '../src/kb/case-fold.js';
import { printable } from '../src/report/printable.js';

// 1,000 runs of each of the 14 properties here: over 10,000 cases in every CI run (issue 14).
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
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

/** Splits a byte buffer into chunks at the given cut points (fast-check shrinks them well). */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    if (point > from) chunks.push(bytes.subarray(from, point));
    from = Math.max(from, point);
  }
  return chunks;
}

/** Runs bytes through a TextStage; the lines it passes on, or the refusal's message. */
function throughTextStage(chunks: readonly Buffer[]): { text: string; stage: TextStage } | string {
  const passed: Buffer[] = [];
  const stage = new TextStage(
    { push: (chunk) => passed.push(Buffer.from(chunk)), end: () => {} },
    'x',
  );
  try {
    for (const chunk of chunks) stage.push(chunk);
    stage.end();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return (error as Error).message;
  }
  return { text: Buffer.concat(passed).toString('latin1'), stage };
}

const textLine = fc.stringMatching(/^[ -~]{0,30}$/);

test('NUL runs: whatever the chunking, the text around them is passed on, the runs are counted, line breaks kept', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(textLine, fc.constant('\n'), fc.integer({ min: 8, max: 300 })), {
        maxLength: 30,
      }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (parts, cuts) => {
        const bytes = Buffer.concat(
          parts.map((part) =>
            typeof part === 'number' ? Buffer.alloc(part) : Buffer.from(part, 'latin1'),
          ),
        );
        const result = throughTextStage(chunked(bytes, cuts));
        assert.ok(typeof result !== 'string', `a log with holes is not binary: ${String(result)}`);
        const expectedText = bytes.toString('latin1').replace(/\0+/g, '');
        // Every text byte is passed on, in order; only line breaks may be added, never removed.
        assert.equal(result.text.replace(/\n/g, ''), expectedText.replace(/\n/g, ''));
        assert.ok(
          (result.text.match(/\n/g) ?? []).length >= (expectedText.match(/\n/g) ?? []).length,
        );
        const notes = result.stage.notes();
        assert.equal(notes.nulBytes ?? 0, bytes.filter((byte) => byte === 0).length);
        assert.equal(notes.empty === true, expectedText.length === 0);
      },
    ),
    { numRuns: RUNS },
  );
});

test('any bytes through the text stage: passed on or refused as binary, never another error', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 20_000 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (bytes, cuts) => {
        const result = throughTextStage(chunked(Buffer.from(bytes), cuts));
        if (typeof result === 'string') assert.match(result, /binary data|journald export/);
      },
    ),
    { numRuns: RUNS },
  );
});

test('journald export: any chunking decodes the same entries; any bytes decode or are refused as not an export', () => {
  const field = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('MESSAGE', '_PID', '__REALTIME_TIMESTAMP'),
        fc.stringMatching(/^[ -~]{0,20}$/),
      )
      .map(([name, value]) => Buffer.from(`${name}=${value}\n`)),
    fc
      .tuple(fc.constantFrom('MESSAGE', '_CMDLINE'), fc.uint8Array({ maxLength: 40 }))
      .map(([name, data]) => {
        const length = Buffer.alloc(8);
        length.writeBigUInt64LE(BigInt(data.length));
        return Buffer.concat([
          Buffer.from(`${name}\n`),
          length,
          Buffer.from(data),
          Buffer.from('\n'),
        ]);
      }),
  );
  const entry = fc
    .array(field, { maxLength: 5 })
    .map((fields) => Buffer.concat([Buffer.from('__CURSOR=c\n'), ...fields, Buffer.from('\n')]));
  const decode = (chunks: readonly Buffer[]) => {
    const lines: string[] = [];
    const decoder = new JournalExportDecoder((line) => lines.push(line.toString()));
    for (const chunk of chunks) decoder.push(chunk);
    decoder.end();
    return lines;
  };
  fc.assert(
    fc.property(
      fc.array(entry, { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (entries, cuts) => {
        const bytes = Buffer.concat(entries);
        const whole = decode([bytes]);
        assert.deepEqual(decode(chunked(bytes, cuts)), whole);
        for (const line of whole)
          assert.equal(typeof (JSON.parse(line) as { MESSAGE: unknown }).MESSAGE, 'string');
      },
    ),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      try {
        decode([Buffer.concat([Buffer.from('__CURSOR=c\n'), Buffer.from(bytes)])]);
      } catch (error) {
        assert.ok(error instanceof JournalExportError, String(error));
      }
    }),
    { numRuns: RUNS },
  );
});

test('the zstd window guard takes any bytes: it passes them or refuses them with its own error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4000 }), fc.boolean(), (bytes, magic) => {
      const guard = new ZstdWindowGuard();
      const data = magic
        ? Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.from(bytes)])
        : Buffer.from(bytes);
      try {
        guard.push(data);
      } catch (error) {
        assert.ok(error instanceof ZstdWindowError, String(error));
      }
    }),
    { numRuns: RUNS },
  );
});

test('a case-folded pattern without the i flag matches exactly what the pattern matches with it', () => {
  const atom = fc.oneof(
    fc.constantFrom(
      'a',
      'B',
      'z',
      'Q',
      '0',
      '_',
      '-',
      ' ',
      '.',
      '\\d',
      '\\w',
      '\\s',
      '\\bx',
      '[a-f]',
      '[^A-Z]',
      '[a-]',
      '[-Z]',
      '[0-9a-c]',
      '[\\w.]',
      '(?:ab|Cd)',
      '(?<n>Ef)',
    ),
    fc.constantFrom('', '?', '*', '+', '{1,3}'),
  );
  const pattern = fc
    .array(fc.tuple(atom, fc.constantFrom('', '?', '*', '+')), { minLength: 1, maxLength: 6 })
    .map((atoms) =>
      atoms
        .map(([text, quantifier]) =>
          text.endsWith('?') ||
          text.endsWith('*') ||
          text.endsWith('+') ||
          text.endsWith('}') ||
          text === ''
            ? text
            : `${text}${quantifier}`,
        )
        .join(''),
    );
  fc.assert(
    fc.property(pattern, fc.stringMatching(/^[ -~]{0,12}$/), (source, text) => {
      let insensitive: RegExp;
      try {
        insensitive = new RegExp(source, 'i');
      } catch {
        return; // not a pattern
      }
      assert.equal(
        new RegExp(foldCase(source)).exec(text)?.[0],
        insensitive.exec(text)?.[0],
        `${source} on ${text}`,
      );
    }),
    { numRuns: RUNS },
  );
});

test('printable text holds no control character, and plain text is left as it is', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
      const shown = printable(text);
      assert.doesNotMatch(
        shown,
        /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/,
      );
      if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(text))
        assert.equal(shown, text);
    }),
    { numRuns: RUNS },
  );
});
