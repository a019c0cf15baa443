// Rewrites docs/zoo.md's figures drawn from data/zoo: the whole64 status line, the storage summary, the cpu zoo's status
// and the loss-rise sentence (the sentences test/zoo/zoo.test.ts asserts). Run in a checkout after npm run build:
//   node scripts/zoo-docs.mjs
import { readFileSync, writeFileSync } from 'node:fs';
const root = process.cwd();
const { listZoo } = await import(`${root}/dist/zoo/entry.js`);
const { duration } = await import(`${root}/dist/util/progress.js`);
const { planExperiments } = await import(`${root}/dist/experiments/api.js`);
// every entry read (and its files hashed) once
const all = listZoo();
const w = all.filter((e) => e.name.startsWith('w64-'));
const planned = planExperiments(['reproduce'], { scale: 'whole64', zoo: false }).jobs.filter((j) => j.kind === 'train').length;
const line = `**Status of the whole64 zoo:** trained and bundled (\`rdbm zoo list\`): ${w.map((e) => '`' + e.name + '`').join(', ')} — ${w.length} of ${planned} trainings, ${duration(w.reduce((s, e) => s + e.seconds, 0))} of training wall time in all (one TensorFlow thread each, two trained at a time on a 2-core machine);`;
const measured = (d) => w.filter((e) => e.weights.checks?.[d]);
const stored = (d) => w.filter((e) => e.weights.dtype === d).length;
const worst = (d) => Math.max(...measured(d).map((e) => e.weights.checks[d].maxDiff));
const share = (d) => ((100 * measured(d).reduce((n, e) => n + e.weights.checks[d].valuesDiffering, 0)) / measured(d).reduce((n, e) => n + e.weights.checks[d].values, 0)).toFixed(1);
const beyond = (d) => measured(d).filter((e) => e.weights.checks[d].maxDiff > 1).length;
const summary =
  `Of the ${w.length} whole64 entries, ${stored('float16')} are stored in float16, ${stored('float24')} in float24 and ${stored('float32')} in float32. ` +
  `float16 moved the restorations of ${beyond('float16')} of ${measured('float16').length} entries by more than 1/255 (up to ${worst('float16')}/255; ${share('float16')} % of all values differ by some step)` +
  (measured('float24').length ? `; float24, measured for those, moved ${share('float24')} % of values, at most ${worst('float24')}/255.` : '.');
const p = `${root}/docs/zoo.md`;
let t = readFileSync(p, 'utf8').replace(/\*\*Status of the whole64 zoo:\*\*.*\n/, line + '\n');
t = t.replace(/STORAGE_SUMMARY|Of the \d+ whole64 entries, [^\n]*?(?:\/255\.)(?= *\n| )/, summary);
console.log(line);
console.log(summary);
// the cpu zoo's status and the loss-rise sentence
{
  const cpu = all.filter((e) => !e.name.startsWith('w64-'));
  t = t.replace(/CPU_STATUS|(?<=\*\*Status:\*\* the bundled entries \(`rdbm\s+zoo list`\): )[^—]*(?= — )/, cpu.map((e) => '`' + e.name + '`').join(', '));
  t = t.replace(/CPU_COUNT|\d+ entries, [0-9hms]+(?= of training wall time in all\s+\(`rdbm zoo list`, the sum)/, `${cpu.length} entries, ${duration(cpu.reduce((n, e) => n + e.seconds, 0))}`);
  const rose = all.filter((e) => e.history.some((h) => h.step > 10 && h.loss > e.history[0].loss));
  const curves = rose.map((e) => `\`${e.name}\` (${e.history.filter((h) => h.step >= 500).map((h) => `${h.loss.toFixed(4)} at step ${h.step}`).join(', ')})`);
  t = t.replace(/ROSE_TAIL|(?<=stayed below its step-10 value )(except .*?|without exception)(?=\s+\(zoo\.json's history)/s, curves.length ? `except ${curves.join(', ')}` : 'without exception');
}
writeFileSync(p, t);
