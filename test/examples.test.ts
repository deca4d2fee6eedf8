// The documentation runs. Every `$ kcompat` line in the README's code blocks and every example in
// each command's --help is run as a shell command on the texts in examples/, with `kcompat` the
// built command, and must end with the exit code it documents (the README's comment says
// "exit N" or "exit N or M"; a --help example must not be a usage or input error). Each text in
// examples/ is the knowledge-base example its README row names, and examples/library.mjs gives
// what the commands give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BIN, cliHarness, ROOT } from './cli-harness.js';

const { kcompat, json, scratch } = cliHarness('kcompat-examples-');
const EXAMPLES = join(ROOT, 'examples');

// Commands run in a scratch directory that sees examples/ (what they write, such as
// node-17.json, stays there), with `kcompat` on the PATH as the built command.
const workdir = join(scratch, 'work');
const bin = join(scratch, 'bin');
mkdirSync(workdir);
mkdirSync(bin);
symlinkSync(EXAMPLES, join(workdir, 'examples'));
writeFileSync(join(bin, 'kcompat'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`);
chmodSync(join(bin, 'kcompat'), 0o755);

function shell(command: string) {
  return spawnSync('sh', ['-c', command], {
    cwd: workdir,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 1 << 26,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      NO_COLOR: '',
      KCOMPAT_KB: '',
      KCOMPAT_CACHE_DIR: join(scratch, 'cache'),
    },
  });
}

/** The code blocks of a markdown text: indented ones and fenced ones (with their language). */
function codeBlocks(markdown: string): { lang: string; lines: string[] }[] {
  const blocks: { lang: string; lines: string[] }[] = [];
  let fenced: { lang: string; lines: string[] } | null = null;
  let indented: string[] | null = null;
  for (const line of markdown.split('\n')) {
    if (fenced) {
      if (line.startsWith('```')) {
        blocks.push(fenced);
        fenced = null;
      } else fenced.lines.push(line);
      continue;
    }
    if (line.startsWith('```')) {
      fenced = { lang: line.slice(3).trim(), lines: [] };
      continue;
    }
    if (line.startsWith('    ')) (indented ??= []).push(line.slice(4));
    else if (line.trim() === '' && indented) indented.push('');
    else if (indented) {
      blocks.push({ lang: '', lines: indented });
      indented = null;
    }
  }
  return blocks;
}

/** A shell line that runs kcompat (directly, after a pipe or &&, or through npx). */
const RUNS_KCOMPAT = /(^|[|&;]\s*)(npx\s+)?kcompat(\s|$)/;

interface Example {
  command: string;
  exitCodes: number[];
  /** The output the README shows after the command, when it shows some. */
  output: string[];
}

/** The README's examples: `$ command   # ...; exit N` lines and the output shown below them. */
function readmeExamples(): Example[] {
  const examples: Example[] = [];
  for (const block of codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'))) {
    if (block.lang !== '') continue;
    let current: Example | undefined;
    for (const line of block.lines) {
      if (line.startsWith('$ ')) {
        const exit = /#.*\bexit (\d)(?: or (\d))?\s*$/.exec(line);
        assert.ok(exit, `README: give the exit code of "${line}" as "# exit N"`);
        current = {
          command: line.slice(2),
          exitCodes: [Number(exit[1]), ...(exit[2] ? [Number(exit[2])] : [])],
          output: [],
        };
        examples.push(current);
      } else if (current) current.output.push(line);
      else
        assert.doesNotMatch(
          line,
          RUNS_KCOMPAT,
          'README: an example that runs kcompat is written "$ kcompat ...   # exit N" so that it is tested',
        );
    }
  }
  return examples;
}

test('every README example runs and ends with the exit code it documents', () => {
  const examples = readmeExamples();
  assert.ok(examples.length >= 10, `only ${examples.length} examples found`);
  for (const example of examples) {
    const run = shell(example.command);
    assert.ok(
      example.exitCodes.includes(run.status!),
      `README: "${example.command}" exited ${run.status}, documented ${example.exitCodes.join(' or ')}\n${run.stderr}`,
    );
    // Output the README shows is what the command prints (lines cut with "..." are not compared).
    const printed = new Set(run.stdout.split('\n').map((line) => line.trim()));
    for (const line of example.output.map((shown) => shown.trim()))
      if (line !== '' && !line.includes('...'))
        assert.ok(printed.has(line), `README shows "${line}" for "${example.command}"`);
    if (run.status === 2) assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
  }
});

test("the README's JavaScript runs against the built package", () => {
  const blocks = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8')).filter(
    (block) => block.lang === 'js',
  );
  assert.ok(blocks.length > 0);
  for (const block of blocks) {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', block.lines.join('\n')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, KCOMPAT_KB: '' },
    });
    assert.equal(run.status, 0, run.stderr);
    // What its comments say it prints, it prints.
    for (const [, said] of block.lines.join('\n').matchAll(/\/\/ (\S[^\n]*)$/gm))
      assert.ok(run.stdout.includes(said!), `README's example prints "${said}"\n${run.stdout}`);
  }
});

test("every example in each command's --help runs without a usage or input error", () => {
  // probe first: check's example reads what probe's writes.
  for (const command of [['probe'], ['why'], ['check'], ['verifier'], ['kb']]) {
    const help = kcompat([...command, '--help']).stdout;
    const section = help.slice(help.indexOf('\nExamples'));
    const lines = section
      .split('\n')
      .slice(1)
      .filter((line) => /^ {2}\S/.test(line) && !line.trimStart().startsWith('#'));
    assert.ok(lines.length > 0, `${command.join(' ')} --help has examples`);
    for (const line of lines) {
      assert.match(line.trim(), RUNS_KCOMPAT);
      const run = shell(line.trim());
      assert.ok(
        run.status === 0 || run.status === 1,
        `${command.join(' ')} --help: "${line.trim()}" exited ${run.status}\n${run.stderr}`,
      );
    }
  }
});

test('each text in examples/ is, verbatim, the knowledge-base example its README row names', () => {
  const readme = readFileSync(join(EXAMPLES, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([^`]+)` \| [^|]+ \| `([^`]+)` \| (https:\S+) \|$/gm)];
  const listed = new Set(rows.map(([, file]) => file));
  // Besides the texts: library.mjs, and the settings files the report options use.
  const texts = readdirSync(EXAMPLES).filter(
    (name) =>
      !['README.md', 'kcompat.yaml', 'kcompatignore'].includes(name) && !name.endsWith('.mjs'),
  );
  assert.deepEqual([...listed].sort(), texts.sort(), 'examples/README.md lists every text');
  for (const [, file, id, source] of rows) {
    const entry = parse(readFileSync(join(ROOT, 'kb', `${id}.yaml`), 'utf8')) as {
      examples: { text: string; source?: string }[];
    };
    const text = readFileSync(join(EXAMPLES, file!), 'utf8');
    const example = entry.examples.find((candidate) => candidate.source === source);
    assert.ok(example, `${id} has no example from ${source}`);
    assert.equal(text.trimEnd(), example.text.trimEnd(), `${file} is ${id}'s example verbatim`);
  }
});

test('examples/library.mjs, through the package entry, gives what the commands give', () => {
  const run = spawnSync(process.execPath, [join(EXAMPLES, 'library.mjs')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, KCOMPAT_KB: '' },
  });
  assert.equal(run.status, 0, run.stderr);
  const said = Object.fromEntries(
    run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
  );
  const plan = [
    '--no-probe',
    '--format',
    'json',
    '--kernel',
    '5.10.0-26-amd64',
    '--with',
    'crun@1.14.0',
  ];
  const why = json(kcompat(['why', ...plan, join(EXAMPLES, 'crun-bpf-enospc.txt')]));
  assert.equal(said.why, `${why.findings[0].verdict} ${why.findings[0].id}`);
  const check = json(kcompat(['check', ...plan]));
  assert.equal(said.check, check.findings.map((finding: { id: string }) => finding.id).join(', '));
  const verifier = json(
    kcompat(['verifier', '--format', 'json', join(EXAMPLES, 'verifier-too-large.log')]),
  );
  assert.equal(said.verifier, `${verifier.outcome} ${verifier.errno} ${verifier.error}`);
  const probe = json(kcompat(['probe', '--no-bpf', '--no-components', '--format', 'json']));
  assert.equal(said.probe, `kernel ${probe.facts['kernel.release'].value}`);
});
