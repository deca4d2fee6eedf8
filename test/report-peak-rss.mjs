// Preloaded with `node --import` by tests that bound kcompat's memory: at exit, writes the
// process's peak resident set size (KiB, getrusage ru_maxrss) to the file in KCOMPAT_TEST_RSS_FILE.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  writeFileSync(process.env.KCOMPAT_TEST_RSS_FILE, String(process.resourceUsage().maxRSS));
});
