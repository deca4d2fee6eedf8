// kcompat as a library: diagnose a log file for a planned host, check the plan, explain a BPF
// verifier log and read this host's facts. Run it from the package directory (the package
// imports itself by name): node examples/library.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  check,
  collectFacts,
  componentFact,
  explainVerifierLog,
  kernelFacts,
  loadKnowledgeBase,
  mergeFacts,
  scanFiles,
} from 'kcompat';

const example = (name) => fileURLToPath(new URL(name, import.meta.url));
const kb = loadKnowledgeBase();

// The node where the error happened: Debian 11's kernel and crun 1.14.0, given rather than probed.
const planned = mergeFacts(
  kernelFacts('5.10.0-26-amd64', 'example'),
  componentFact('crun@1.14.0', 'example'),
);

// kcompat why --no-probe --kernel 5.10.0-26-amd64 --with crun@1.14.0 examples/crun-bpf-enospc.txt
const why = await scanFiles([example('crun-bpf-enospc.txt')], {}, kb, { explicitFacts: planned });
const [top] = why.findings;
console.log(`why: ${top.verdict} ${top.id}`);

// kcompat check --no-probe --kernel 5.10.0-26-amd64 --with crun@1.14.0
const plan = check(planned, kb);
console.log(`check: ${plan.findings.map((finding) => finding.id).join(', ')}`);

// kcompat verifier examples/verifier-too-large.log
const log = readFileSync(example('verifier-too-large.log'), 'utf8');
const verifier = explainVerifierLog(log, { name: 'verifier-too-large.log' });
console.log(`verifier: ${verifier.outcome} ${verifier.errno} ${verifier.error}`);

// kcompat probe --no-bpf --no-components: reads /proc and /sys only.
const facts = await collectFacts({ bpf: false, components: false });
console.log(`probe: kernel ${facts['kernel.release']?.value ?? 'unknown'}`);
