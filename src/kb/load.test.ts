import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { entryYaml } from '../../test/kb-fixtures.js';
import { KbLoadError, loadKnowledgeBase, parseKnownIssue, userKbDirs, type KbProblem } from './load.js';

function withDir(files: Record<string, string>, body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kcompat-kb-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problemsOf(dir: string): string[] {
  try {
    loadKnowledgeBase([dir], { includeBuiltin: false });
  } catch (error) {
    assert.ok(error instanceof KbLoadError);
    return error.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}: ${p.message}`);
  }
  return [];
}

test('a valid user directory loads', () => {
  withDir({ 'mine.yaml': entryYaml('mine', 'my error') }, (dir) => {
    const kb = loadKnowledgeBase([dir], { includeBuiltin: false });
    assert.deepEqual(kb.issues.map((issue) => [issue.id, issue.builtin]), [['mine', false]]);
  });
});

test('wrong types, unknown keys and missing fields are reported with file and line', () => {
  const text = entryYaml('typed', 'x').replace('severity: error', 'severity: catastrophic');
  withDir({ 'typed.yaml': text }, (dir) => {
    const [problem] = problemsOf(dir);
    assert.match(problem!, /^typed\.yaml:4: severity: /);
  });
  const extra = `${entryYaml('extra', 'x')}\nsevrity: error\n`;
  const missing = entryYaml('missing', 'x').replace(/^fix: .*\n/m, '');
  withDir({ 'extra.yaml': extra, 'missing.yaml': missing }, (dir) => {
    const problems = problemsOf(dir).join('\n');
    assert.match(problems, /extra\.yaml:\d+: .*Unrecognized key: "sevrity"/);
    assert.match(problems, /missing\.yaml:\d+: fix: /);
  });
});

test('YAML syntax errors, id/file mismatch, bad regex and bad range', () => {
  const badRegex = entryYaml('regex', '(unclosed');
  const emptyMatch = entryYaml('empty', 'a*');
  const badRange = entryYaml('ranged', 'x', "conditions:\n  - component: crun\n    affected: '>=one'\n    source: https://example.org/x\n");
  withDir(
    {
      'broken.yaml': 'id: broken\ntitle: [unclosed\n',
      'other-name.yaml': entryYaml('named', 'x'),
      'regex.yaml': badRegex,
      'empty.yaml': emptyMatch,
      'ranged.yaml': badRange,
    },
    (dir) => {
      const problems = problemsOf(dir).join('\n');
      assert.match(problems, /^broken\.yaml:\d+: YAML: /m);
      assert.match(problems, /^other-name\.yaml:1: id "named" must equal the file name "other-name"/m);
      assert.match(problems, /^regex\.yaml:10: signatures\.0: pattern of regex-sig: Invalid regular expression: \/\(unclosed\/: Unterminated group$/m);
      assert.match(problems, /^empty\.yaml:10: signatures\.0: pattern of empty-sig matches the empty string/m);
      assert.match(problems, /^ranged\.yaml:\d+: conditions\.0: ">=one" is not a version range/m);
    },
  );
});

test('duplicate ids across directories and unknown related ids are problems', () => {
  withDir({ 'dup.yaml': entryYaml('dup', 'x') + 'related: [nowhere]\n' }, (first) => {
    withDir({ 'dup.yaml': entryYaml('dup', 'y') }, (second) => {
      try {
        loadKnowledgeBase([first, second], { includeBuiltin: false });
        assert.fail('expected a load error');
      } catch (error) {
        assert.ok(error instanceof KbLoadError);
        const messages = error.problems.map((p) => p.message).join('\n');
        assert.match(messages, /duplicate id "dup"/);
        assert.match(messages, /related id "nowhere" does not exist/);
      }
    });
  });
});

test('binary, oversized and unreadable files are refused, not parsed', () => {
  const huge = `${entryYaml('huge', 'x')}\n# ${'x'.repeat(1 << 20)}\n`;
  withDir({ 'bin.yaml': 'id: \u0000\u0001', 'locked.yaml': entryYaml('locked', 'x'), 'huge.yaml': huge }, (dir) => {
    chmodSync(join(dir, 'locked.yaml'), 0o000);
    const problems = problemsOf(dir).join('\n');
    assert.match(problems, /bin\.yaml:1: binary file/);
    assert.match(problems, /huge\.yaml:1: more than 1 MiB: too large for a known-issue entry/);
    // root reads through mode 000; only check the refusal when the file really is unreadable.
    if (process.getuid?.() !== 0) assert.match(problems, /locked\.yaml:1: cannot read \(EACCES\)/);
  });
});

test('a .yaml that is a device, a FIFO, a symlink to another file, or deeply nested is refused in one line', () => {
  withDir({ 'fine.yaml': entryYaml('fine', 'x') }, (dir) => {
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    assert.equal(spawnSync('mkfifo', [join(dir, 'fifo.yaml')]).status, 0);
    // A symlink to an unrelated YAML file: its keys (here, a secret) are not echoed.
    writeFileSync(join(dir, '..', `${basename(dir)}-secrets.yml`), 'db_password: hunter2\napi_key: s3cret\n');
    symlinkSync(join(dir, '..', `${basename(dir)}-secrets.yml`), join(dir, 'secrets.yaml'));
    writeFileSync(join(dir, 'nested.yaml'), `id: nested\ntitle: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    writeFileSync(join(dir, 'braces.yaml'), `id: braces\nx: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`);
    const problems = problemsOf(dir).join('\n');
    assert.match(problems, /zero\.yaml:1: more than 1 MiB: too large/);
    assert.match(problems, /fifo\.yaml:1: cannot read \(a FIFO, not a file\)/);
    assert.match(problems, /secrets\.yaml:1: not a known-issue entry: no "id" at the top level/);
    assert.doesNotMatch(problems, /hunter2|s3cret|db_password|api_key/);
    assert.match(problems, /nested\.yaml:2: YAML: collections nested more than 64 levels deep/);
    assert.match(problems, /braces\.yaml:2: YAML: collections nested more than 64 levels deep/);
    rmSync(join(dir, '..', `${basename(dir)}-secrets.yml`));
  });
});

test('the same directory named twice (or through a symlink) is loaded once, not a duplicate id', () => {
  withDir({ 'mine.yaml': entryYaml('mine', 'my error') }, (dir) => {
    const link = `${dir}-link`;
    symlinkSync(dir, link);
    try {
      const kb = loadKnowledgeBase([dir, dir, link], { includeBuiltin: false });
      assert.deepEqual(kb.issues.map((issue) => issue.id), ['mine']);
    } finally {
      rmSync(link);
    }
  });
});

test('KCOMPAT_KB and --kb directories are both used', () => {
  assert.deepEqual(userKbDirs(['b'], { KCOMPAT_KB: 'a1:a2' }), ['a1', 'a2', 'b']);
});

test('a check-only entry needs conditions, and signatures need examples', () => {
  const withoutText = (id: string, conditions: string) =>
    `id: ${id}\nfamily: advisory\ntitle: t\nseverity: critical\ncomponents: [runc]\nsummary: s\nexplanation: e\nfix: f\nreferences:\n  - url: https://example.org/${id}\n    kind: advisory\n${conditions}`;
  const checkOnly = withoutText(
    'advisory',
    "conditions:\n  - component: runc\n    affected: '<1.1.12'\n    source: https://example.org/a\n",
  );
  const noConditions = withoutText('bare', '');
  const noExamples = entryYaml('silent', 'x').replace(/examples:[\s\S]*$/, '');
  withDir({ 'advisory.yaml': checkOnly }, (dir) => {
    const kb = loadKnowledgeBase([dir], { includeBuiltin: false });
    assert.deepEqual(kb.issues[0]!.signatures, []);
  });
  withDir({ 'bare.yaml': noConditions, 'silent.yaml': noExamples }, (dir) => {
    const problems = problemsOf(dir).join('\n');
    assert.match(problems, /bare\.yaml:\d+: .*check-only entry \(no signatures\) needs conditions/);
    assert.match(problems, /silent\.yaml:\d+: .*needs at least one verbatim example/);
  });
});

test('a regex the linear-time engine cannot run is refused at load, with file:line and the reason', () => {
  withDir(
    {
      'backref.yaml': entryYaml('backref', 'error: (a)\\1*x'),
      'lookahead.yaml': entryYaml('lookahead', 'error: (?!x)a+b'),
      'lookbehind.yaml': entryYaml('lookbehind', '(?<!warning: )error: a+b'),
      'counted.yaml': entryYaml('counted', 'error: [^\\n]{0,200}failed'),
      'nested-counted.yaml': entryYaml('nested-counted', 'error: (?:a{1,10}b){0,5}c'),
      'fine.yaml': entryYaml('fine', 'error: (?:a{1,3}b){0,4}c'),
    },
    (dir) => {
      const problems = problemsOf(dir).join('\n');
      assert.match(problems, /backref\.yaml:\d+: .*cannot run in linear time: it has a backreference/);
      assert.match(problems, /lookahead\.yaml:\d+: .*cannot run in linear time: it has a lookahead/);
      assert.match(problems, /lookbehind\.yaml:\d+: .*cannot run in linear time: it has a lookahead or lookbehind/);
      assert.match(problems, /counted\.yaml:\d+: .*counted repetition above 16 \(write \* or \+ instead/);
      assert.match(problems, /nested-counted\.yaml:\d+: .*cannot run in linear time/);
      assert.doesNotMatch(problems, /fine\.yaml/);
    },
  );
});

test('regexes that backtrack exponentially or polynomially in a backtracking engine run in linear time', { timeout: 60_000 }, () => {
  // Each shape hangs a backtracking engine for minutes: exponentially on a short line (nested
  // quantifiers, {n,m} repetitions of repetitions, overlapping alternatives outside Latin-1,
  // adjacent unbounded parts that overlap) or polynomially on a long one. An operator's entry runs
  // in the linear-time engine, so each loads and runs on its worst input: 40 characters for the
  // exponential ones, 1 MiB (the line bound) for the polynomial ones.
  const shapes: [string, string][] = [
    ['(a+)+$', 'a'.repeat(40) + '!'],
    ['error: (?:x*y?)*z', 'error: ' + 'xy'.repeat(20)],
    ['(?:a{1,}){1,}$', 'a'.repeat(40) + '!'],
    ['(?:a{1,3}){1,8}$', 'a'.repeat(24) + '!'],
    ['error: (?:\u2026|\u2026\u2026)+$', 'error: ' + '\u2026'.repeat(40) + '!'],
    ['(?:(a|aa)b?)+$', 'a'.repeat(40) + '!'],
    ['(?:\\d{1,3}\\.?)+ failed', '1'.repeat(40)],
    ['a*a*a*a*a*b', 'a'.repeat(1 << 20)],
    ['x.*y.*z.*!', 'xyz'.repeat(1 << 18)],
    ['\\d*\\d*\\d*x', '1'.repeat(1 << 20)],
    // Polynomial in a backtracking engine whatever its backtrack counter says: a gap tried from
    // every occurrence of the literal, a run of spaces tried at every split.
    ['error:[^\\n]*?denied', 'error:'.repeat(1 << 17)],
    ['\\s+; R', ' '.repeat(1 << 20)],
  ];
  let ran = 0;
  shapes.forEach(([pattern, worst], index) => {
    const id = `shape-${index}`;
    withDir({ [`${id}.yaml`]: entryYaml(id, pattern) }, (dir) => {
      // A shape the linear engine cannot run is refused (and so never runs); one that loads
      // must finish on its worst input.
      const problems = problemsOf(dir);
      if (problems.length > 0) {
        assert.match(problems.join('\n'), /cannot run in linear time/, pattern);
        return;
      }
      const signature = loadKnowledgeBase([dir], { includeBuiltin: false }).byId.get(id)!
        .signatures[0]!;
      assert.equal(signature.regex.test(worst), false, pattern);
      ran++;
    });
  });
  assert.ok(ran >= 8, `${ran} shapes ran`);
});

test('YAML aliases: one with no anchor, and an alias bomb, are refused with the reason', () => {
  const bomb = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
    'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
  ].join('\n');
  withDir({ 'dangling.yaml': '*nothing', 'bomb.yaml': bomb }, (dir) => {
    const problems = problemsOf(dir).join('\n');
    assert.match(problems, /dangling\.yaml:1: YAML: .*anchor/i);
    assert.match(problems, /bomb\.yaml:1: YAML: .*alias/i);
  });
});

test('conditions that name a fact the probe does not collect are refused, with file:line', () => {
  const factKeys = new Set(['components.runc.version', 'cgroup.layout', 'bpf.token']);
  const withCondition = (id: string, condition: string) =>
    `${entryYaml(id, `error: ${id}`)}\nconditions:\n${condition}\n`;
  const files = {
    'typo.yaml': withCondition('typo', "  - fact: cgroup.layuot\n    equals: v1\n    source: https://example.org/1"),
    'component.yaml': withCondition('component', "  - component: runcc\n    affected: '<1.0.0'\n    source: https://example.org/2"),
    'feature.yaml': withCondition('feature', "  - kernel: '<6.9.0'\n    feature: { fact: bpf.tokn, equals: unsupported }\n    source: https://example.org/3"),
    'fine.yaml': withCondition('fine', "  - component: runc\n    affected: '<1.0.0'\n    source: https://example.org/4"),
  };
  withDir(files, (dir) => {
    let problems: string[] = [];
    try {
      loadKnowledgeBase([dir], { includeBuiltin: false, factKeys });
    } catch (error) {
      assert.ok(error instanceof KbLoadError);
      problems = error.problems.map((p) => `${p.file.slice(dir.length + 1)}:${p.line}: ${p.message}`);
    }
    const text = problems.join('\n');
    assert.match(text, /typo\.yaml:\d+: conditions\.0: no fact "cgroup\.layuot"/);
    assert.match(text, /component\.yaml:\d+: conditions\.0: no fact "components\.runcc\.version"/);
    assert.match(text, /feature\.yaml:\d+: conditions\.0: no fact "bpf\.tokn"/);
    assert.doesNotMatch(text, /fine\.yaml/);
    assert.equal(problems.length, 3);
    // Without a registry (a facts file from elsewhere, the pure core), names are not checked.
    assert.doesNotThrow(() => loadKnowledgeBase([dir], { includeBuiltin: false }));
  });
});

test("an operator's directory is cached after a clean load and reloaded from YAML when a file changes", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'kcompat-cache-'));
  const saved = process.env.KCOMPAT_CACHE_DIR;
  process.env.KCOMPAT_CACHE_DIR = cacheDir;
  try {
    withDir({ 'mine.yaml': entryYaml('mine', 'my error') }, (dir) => {
      const first = loadKnowledgeBase([dir], { includeBuiltin: false });
      const [cacheFile] = readdirSync(cacheDir);
      assert.ok(cacheFile, 'a cache was written');
      // The cache is what the next load reads: a title changed in it shows.
      const path = join(cacheDir, cacheFile!);
      writeFileSync(path, readFileSync(path, 'utf8').replace('mine title', 'cached title'));
      const second = loadKnowledgeBase([dir], { includeBuiltin: false });
      assert.equal(second.byId.get('mine')!.title, 'cached title');
      assert.ok(second.byId.get('mine')!.signatures[0]!.regex.test('my error'));
      assert.equal(first.byId.get('mine')!.title, 'mine title');
      // A changed file makes the cache stale: the YAML is read again.
      writeFileSync(join(dir, 'mine.yaml'), entryYaml('mine', 'my other error'));
      const third = loadKnowledgeBase([dir], { includeBuiltin: false });
      assert.equal(third.byId.get('mine')!.title, 'mine title');
      assert.ok(third.byId.get('mine')!.signatures[0]!.regex.test('my other error'));
      // lint never reads a cache.
      writeFileSync(path, readFileSync(path, 'utf8').replace(/mine title/g, 'cached title'));
      assert.equal(
        loadKnowledgeBase([dir], { includeBuiltin: false, useCache: false }).byId.get('mine')!.title,
        'mine title',
      );
    });
  } finally {
    if (saved === undefined) delete process.env.KCOMPAT_CACHE_DIR;
    else process.env.KCOMPAT_CACHE_DIR = saved;
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('a built-in signature without a literal every match contains is refused (the prefilter needs one); an operator entry is allowed', () => {
  for (const [pattern, refused] of [
    ['(?:ab|cd)\\d+x', true], // every literal under three characters
    ['[a-z]+: {errno:EPERM}', true], // the errno's strerror spelling has no fixed text
    ['map create: {errno:EPERM}', false],
  ] as const) {
    for (const builtin of [true, false]) {
      const problems: KbProblem[] = [];
      parseKnownIssue(entryYaml('lit', pattern), 'lit.yaml', problems, builtin);
      const said = problems.some((problem) => /no literal of 3\+ characters/.test(problem.message));
      assert.equal(said, refused && builtin, `${pattern} builtin=${builtin}: ${problems.map((p) => p.message).join('; ')}`);
    }
  }
});
