import { loadKnowledgeBase } from '../src/kb/load.js';
const kb = loadKnowledgeBase();
for (const i of kb.issues)
  for (const s of i.signatures) {
    const lits = s.literals ?? ['a'];
    for (const lit of lits)
      for (const sep of [' ', '', 'a1 ']) {
        const line = (lit + sep)
          .repeat(Math.ceil(100_000 / (lit.length + sep.length)))
          .slice(0, 100_000);
        const t = performance.now();
        s.regex.test(line);
        s.startRegex?.test(line);
        const ms = performance.now() - t;
        if (ms > 50)
          console.log(
            Math.round(ms),
            i.id,
            s.name,
            JSON.stringify(lit),
            JSON.stringify(sep),
            s.pattern.slice(0, 100),
          );
      }
  }
