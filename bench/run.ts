// npm run bench: every benchmark in bench/, printed as medians and ratios against its peer.
import { benchKbScale, printKbScale } from './kb-scale.bench.js';
import { benchLinear, printLinear } from './linear.bench.js';
import { benchProbe } from './probe.bench.js';
import { benchVerifier } from './verifier.bench.js';
import { benchWhy, printWhy } from './why.bench.js';

const probe = benchProbe();
console.log('## probe: kcompat probe vs bpftool feature probe kernel (medians)');
console.log(`| command | median | ratio to bpftool |`);
console.log(`| --- | --- | --- |`);
console.log(
  `| kcompat probe --format json | ${probe.kcompat.toFixed(1)} ms | ${(probe.kcompat / probe.bpftool).toFixed(2)} |`,
);
console.log(
  `| kcompat probe --format json --no-components | ${probe.kcompatNoComponents.toFixed(1)} ms | ${(probe.kcompatNoComponents / probe.bpftool).toFixed(2)} |`,
);
console.log(`| bpftool feature probe kernel | ${probe.bpftool.toFixed(1)} ms | 1.00 |`);
console.log(
  `| node -e 0 (Node start-up floor) | ${probe.nodeBaseline.toFixed(1)} ms | ${(probe.nodeBaseline / probe.bpftool).toFixed(2)} |`,
);
console.log(
  `| collectFacts() in a running process, first call | ${probe.inProcessFirst.toFixed(1)} ms | ${(probe.inProcessFirst / probe.bpftool).toFixed(2)} |`,
);
console.log(
  `| collectFacts() in a running process, warm (median) | ${probe.inProcessWarm.toFixed(1)} ms | ${(probe.inProcessWarm / probe.bpftool).toFixed(2)} |`,
);

const verifier = benchVerifier();
console.log('');
console.log(
  `## verifier: kcompat verifier on a ${verifier.mb.toFixed(0)} MB log_level 2 log (medians)`,
);
console.log('| command | median | throughput | peak RSS |');
console.log('| --- | --- | --- | --- |');
console.log(
  `| kcompat verifier --format json | ${verifier.kcompatMs.toFixed(0)} ms | ${(verifier.mb / (verifier.kcompatMs / 1000)).toFixed(0)} MB/s | ${verifier.kcompatRssMiB.toFixed(0)} MiB |`,
);
console.log(
  `| grep -c (reading floor) | ${verifier.grepMs.toFixed(0)} ms | ${(verifier.mb / (verifier.grepMs / 1000)).toFixed(0)} MB/s | |`,
);

console.log('');
printWhy(benchWhy());

console.log('');
printLinear(benchLinear());

console.log('');
printKbScale(benchKbScale());
