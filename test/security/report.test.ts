/**
 * Issue 32, `rdbm report` on hostile experiment files: labels that would break Markdown and LaTeX rows or put
 * raw HTML into a README (defect 8). The dataset and the restored folders are generated here (16-px PNGs).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, expectRefused, literal, rdbm } from './harness.js';
import { FIXTURES } from '../models/helpers.js';
import { blackPng } from './hostile.js';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);

/** A one-task dataset in the RDBM layout and a restored folder for it. */
function dataset(): void {
  for (const kind of ['label', 'condition']) {
    mkdirSync(path('data', 'Deraining', 'R', 'test', kind), { recursive: true });
    writeFileSync(path('data', 'Deraining', 'R', 'test', kind, '1.png'), blackPng(16, 16));
  }
  mkdirSync(path('restored', 'Deraining', 'R'), { recursive: true });
  cpSync(path('data', 'Deraining', 'R', 'test', 'condition', '1.png'), path('restored', 'Deraining', 'R', '1.png'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-hostile-report-'));
  dataset();
});

describe('issue 32 defect 8: labels are escaped in Markdown, LaTeX and HTML', () => {
  test('a label with a newline, a pipe and <script> keeps every table row on one line and no raw HTML in the README', async () => {
    const label = 'line1\nline2 | <script>alert(1)</script> & 100% $x_0$';
    writeFileSync(path('evil.json'), JSON.stringify({ name: 'evil', title: 'T <b>bold</b>\n\ntitle', metric: 'rdbm', points: [{ label, restored: 'restored' }] }));
    const run = await rdbm(['report', path('evil.json'), '--data', path('data'), '--out', path('out'), '--no-png']);
    expect(run.code, run.stderr).toBe(0);
    const readme = readFileSync(path('out', 'README.md'), 'utf8');
    const markdown = readdirSync(path('out', 'tables')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(path('out', 'tables', f), 'utf8'));
    const latex = readdirSync(path('out', 'tables')).filter((f) => f.endsWith('.tex')).map((f) => readFileSync(path('out', 'tables', f), 'utf8'));
    for (const text of [readme, ...markdown]) {
      expect(text).not.toMatch(/<script|<b>/);
      expect(text).toContain('line1 line2 \\| &lt;script&gt;alert(1)&lt;/script&gt; &amp; 100% $x_0$');
    }
    // every Markdown table row has as many cells as its header
    for (const md of markdown) {
      const rows = md.split('\n').filter((l) => l.startsWith('|'));
      const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
      expect(rows.length).toBeGreaterThan(2);
      for (const r of rows) expect(cells(r)).toBe(cells(rows[0]));
    }
    expect(readme).toContain('## T &lt;b&gt;bold&lt;/b&gt; title');
    for (const tex of latex) {
      expect(tex).toContain('line1 line2 \\textbar{} \\textless{}script\\textgreater{}alert(1)\\textless{}/script\\textgreater{} \\& 100\\% \\$x\\_0\\$ &');
      expect(tex).not.toMatch(/\n\s*\n/); // no blank line (a paragraph break) inside the table
    }
  });
});

describe('issue 32 defect 8: large experiment files have a stated limit, and progress', () => {
  test('a report file of 20 000 points (minutes without a word before) is refused at once, naming the limit', async () => {
    const file = path('big.json');
    writeFileSync(file, JSON.stringify({ name: 'big', metric: 'rdbm', points: Array.from({ length: 20_000 }, (_, i) => ({ label: `p${i}`, restored: 'restored' })) }));
    expectRefused('20 000-point report file', await rdbm(['report', file, '--data', path('data'), '--out', path('out-big')]), new RegExp(`^rdbm: ${literal(file)}: 20000 points, over the limit of 1000 per experiment file \\(each is scored on the whole test split and is a table row\\); split it into several files$`));
  });
  test('a sweep experiment file whose axes make 20 000 points is refused before expanding them', async () => {
    const file = path('axes.json');
    writeFileSync(file, JSON.stringify({ name: 'huge', title: 'huge', description: 'd', axes: { nfe: Array.from({ length: 200 }, (_, i) => i + 1), seed: Array.from({ length: 100 }, (_, i) => i) } }));
    expectRefused('20 000-point sweep file', await rdbm(['sweep', file, '--scale', 'smoke', '--dry-run', '--results', path('results')]), /experiment huge at scale [a-z]+: its axes \(nfe 200 × seed 100\) make 20000 points, over the limit of 1000 per experiment; split it into several experiments$/);
  });
  test('scoring the points of a report shows progress', async () => {
    const file = path('thirty.json');
    writeFileSync(file, JSON.stringify({ name: 'thirty', metric: 'rdbm', points: Array.from({ length: 30 }, (_, i) => ({ label: `p${i}`, restored: 'restored' })) }));
    const run = await rdbm(['report', file, '--data', path('data'), '--out', path('out-thirty'), '--no-png']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^report: scoring 31\/31 points, .*took \d+s, p29$/m);
  });
});

describe('issue 32 defect 6: rdbm report validates every point before it writes anything, naming the point', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a .json file that is not a checkpoint', () => (writeFileSync(path('ck.json'), '{"a": 1}'), path('ck.json')), /cannot read checkpoint .*ck\.json: manifest format undefined \(expected rdbm-lab\/unet-checkpoint version 1\)$/],
    ['a text .pt', () => (writeFileSync(path('text.pt'), 'hello\n'), path('text.pt')), /cannot read checkpoint .*text\.pt: not a zip archive/],
    ['a malicious .pt (os.system)', () => join(FIXTURES, 'evil.pt'), /cannot read checkpoint .*evil\.pt: refusing to load global (posix|os)\.system/],
    ['a .pt without a U-Net', () => join(FIXTURES, 'not_unet.pt'), /not a U-Net checkpoint: .*not_unet\.pt has no init_conv\.weight tensor/],
  ];
  for (const [what, make, message] of cases) {
    test(`${what}: exit 2, the point named, --out not created (before: rdbm-results.json and an empty restored/<hash>/ left)`, async () => {
      const checkpoint = make();
      const file = path(`bad-${what.replace(/\W+/g, '-')}.json`);
      writeFileSync(file, JSON.stringify({ name: 'bad', metric: 'rdbm', points: [{ label: 'fine', restored: 'restored' }, { label: 'broken one', checkpoint }] }));
      const out = path(`out-${what.replace(/\W+/g, '-')}`);
      expectRefused(`report: ${what}`, await rdbm(['report', file, '--data', path('data'), '--out', out, '--no-png']), new RegExp(`^rdbm: ${literal(file)}, point "broken one": ${message.source}`));
      expect(existsSync(out)).toBe(false);
    });
  }
});

describe('issue 32 defect 7: a full disk under report --out', () => {
  test('ENOSPC while writing: exit 2, one line naming the file; the previous report is left whole (before: internal error, 8 new files beside the old README)', async () => {
    const out = path('out-full');
    mkdirSync(out);
    writeFileSync(join(out, 'README.md'), 'the previous report\n');
    const run = await rdbm(['report', path('evil.json'), '--data', path('data'), '--out', out, '--no-png'], { preload: [join(ROOT, 'test', 'security', 'fault-fs.mjs')], env: { RDBM_FAULT_DIR: out, RDBM_FAULT_AFTER: '4000' } });
    expectRefused('report --out on a full disk', run, new RegExp(`^rdbm: ${literal(out)}/[^ ]+: no space left on the device; free some space or choose another location \\(ENOSPC\\)$`));
    expect(readdirSync(out)).toEqual(['README.md']);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('the previous report\n');
  });
});
