// Prints docs/reproduce.md's "What the committed run shows" paragraph from results/reproduced.json, the sentences
// test/zoo/zoo.test.ts asserts; with --write, replaces that line of docs/reproduce.md. Run in a checkout after npm run build.
// mirrors the sentences test/zoo/zoo.test.ts asserts
import { readFileSync } from 'node:fs';
const root = process.cwd();
const r = JSON.parse(readFileSync(`${root}/results/reproduced.json`, 'utf8'));
const sign = (v) => (v < 0 ? `−${(-v).toFixed(2)}` : `+${v.toFixed(2)}`);
const { deltaReading } = await import(`${root}/dist/reports/index.js`);
const reading = (d) => deltaReading({ p: null, ...d }, 'psnr').replace('not told apart; ', '');
const set = (x) => r.sets.find((s) => s.experiment === x);
const main = set('main');
const input = main.entries.find((e) => e.key === 'input');
const model = main.entries.find((e) => e.key === 'rdbm-T');
const d = input.delta.psnr;
const above = Object.keys(model.tasks).filter((t) => model.tasks[t].psnr > input.tasks[t].psnr);
const below = Object.keys(model.tasks).filter((t) => !above.includes(t));
const images = Object.values(input.tasks).reduce((n, t) => n + t.images, 0);
const seeds = model.seeds;
let out = `What the committed run shows (every row the mean over its ${seeds} training seeds): `;
out += `RDBM-T (cosine) scores ${model.average.psnr.toFixed(2)} dB (seeds ${model.perSeed.map((p) => p.psnr.toFixed(2)).join(' / ')}) against the unrestored input's ${input.average.psnr.toFixed(2)} dB: ${sign(-d.mean)} dB (95 % interval [${sign(-d.high)}, ${sign(-d.low)}] over ${seeds} training seeds and ${images} test images, ${input.tasks[below[0] ?? above[0]].images} per task), above the input on ${above.length} of the ${above.length + below.length} tasks${below.length ? ` (not ${below.join(', ')})` : ''}. `;
const size = set('size');
if (size) {
  const sin = size.entries.find((e) => e.key === 'input');
  const models = size.entries.filter((e) => e.key !== 'input');
  const beat = models.filter((e) => e.average.psnr > sin.average.psnr).map((e) => e.label);
  out += `Model sizes: ${models.map((e) => `${e.label} ${e.average.psnr.toFixed(2)} dB (${e.paramsM.toFixed(2)}M parameters, ${e.flopsG.toFixed(2)} GFLOPs at 256²)`).join(', ')} against the input's ${sin.average.psnr.toFixed(2)} dB${beat.length === models.length ? '; every size is above the input.' : `; above the input: ${beat.join(', ') || 'none'}.`} `;
  out += `Against RDBM-T, with its 95 % interval: ${models.filter((e) => e.delta).map((e) => `${e.label} ${sign(e.delta.psnr.mean)} dB [${sign(e.delta.psnr.low)}, ${sign(e.delta.psnr.high)}] (${reading(e.delta.psnr)})`).join(', ')}. `;
}
const name = (x, label) => (x === 'nfe' ? `NFE ${label}` : x === 'lambda' ? `λ = ${label}` : label);
const rows = r.sets.filter((s) => ['schedule', 'lambda', 'nfe', 'pi'].includes(s.experiment)).map((s) => ({ experiment: s.experiment, entries: s.entries.filter((e) => e.key !== 'input' && e.delta).map((e) => ({ name: name(s.experiment, e.label), d: e.delta.psnr })) }));
out += `Δ PSNR against each ablation's default row, dB, with its 95 % interval: ${rows.map((x) => `${x.experiment}: ${x.entries.map((e) => `${e.name} ${sign(e.d.mean)} [${sign(e.d.low)}, ${sign(e.d.high)}]`).join(', ')}`).join('; ')}. `;
const all = rows.flatMap((x) => x.entries);
const list = (xs) => (xs.length ? xs.map((e) => e.name).join(', ') : 'none');
const bounded = all.filter((e) => e.d.low <= 0 && e.d.high >= 0);
out += `Below the default with an interval that excludes zero, as the paper has every such row: ${list(all.filter((e) => e.d.high < 0))}. Above the default, against the paper's direction: ${list(all.filter((e) => e.d.low > 0))}. Neither, so bounded instead (two one-sided tests: |Δ| below the bound with 95 % confidence): ${bounded.length ? bounded.map((e) => `${e.name} ${reading(e.d)}`).join(', ') : 'none'}.`;
console.log(out);
if (process.argv.includes('--write')) {
  const { writeFileSync } = await import('node:fs');
  const p = `${root}/docs/reproduce.md`;
  const lines = readFileSync(p, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.startsWith('What the committed run shows'));
  if (i < 0) throw new Error(`${p}: no line starting "What the committed run shows"`);
  lines[i] = out;
  writeFileSync(p, lines.join('\n'));
}
