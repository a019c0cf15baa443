import { describe, expect, it } from 'vitest';
import { zooHistories } from '../helpers/zoo-histories.js';
import { HEALTH_MARK_NOTE, healthMark, trainingHealthTable } from '../../src/reports/table-health.js';
import { tableToMarkdown } from '../../src/reports/markdown.js';

const zoo = zooHistories();

describe('training-health table', () => {
  const table = trainingHealthTable(zoo, { scale: 'cpu' });

  it('one row per entry: final window, best earlier window, largest spike, verdict; the diverged entry is marked', () => {
    expect(table.rows).toHaveLength(zoo.length);
    const l = table.rows.find((r) => String(r.entry).startsWith('L'))!;
    expect(l).toMatchObject({ entry: 'L ⚠ diverged', steps: 3000, final_steps: '2501–3000', best_steps: '1501–2000', verdict: 'diverged: final window 38.1 × the best (steps 1501–2000)' });
    expect(l.spike).toMatch(/^38\.\d\d × at steps 2501–3000$/);
    const t = table.rows.find((r) => r.entry === 'T')!;
    expect(t).toMatchObject({ steps: 3000, final_steps: '2501–3000', spike: 'none', verdict: 'ok: the loss never rose above an earlier window' });
    // the rest ok but whole64's RDBM-L seeds 0 and 1, marked where their row appears
    expect(table.rows.filter((r) => !String(r.verdict).startsWith('ok')).map((r) => r.entry)).toEqual(['L ⚠ diverged', 'w64-L ⚠ unstable', 'w64-L-seed-1 ⚠ unstable']);
  });

  it('renders as Markdown with its definitions under it', () => {
    const md = tableToMarkdown(table).split('\n');
    expect(md[0]).toBe('**Training health: final loss window and largest loss spike of every trained entry** (metric convention: none; scale: cpu)');
    expect(md[2]).toBe('| Entry | Steps | Final window (steps) | Final loss | Best earlier loss | Best earlier window (steps) | Largest spike | Verdict |');
    expect(md.find((line) => line.startsWith('| L ⚠ diverged | 3000 | 2501–3000 | 3.6371 | 0.0955 | 1501–2000 | 38.'))).toBeDefined();
    expect(md.some((line) => line.startsWith('- Verdict: diverged = a non-finite loss, or the final window ≥ 2 × the best earlier window; unstable = a spike ≥ 1.2 ×'))).toBe(true);
  });

  it('marks: nothing for ok or unknown health, the verdict otherwise, explained by one note', () => {
    expect([healthMark('ok'), healthMark(undefined), healthMark('unstable'), healthMark('diverged')]).toEqual(['', '', ' ⚠ unstable', ' ⚠ diverged']);
    expect(HEALTH_MARK_NOTE).toContain('final window ≥ 2 × its best earlier window');
  });
});
