import type { TopLevelSpec } from 'vega-lite';
import { compileVegaLite } from '../../../src/reports/index.js';

interface SceneNode {
  readonly marktype?: string;
  readonly role?: string;
  readonly items?: readonly SceneNode[];
  readonly text?: string;
}

/**
 * Compiles and runs a Vega-Lite spec headless and counts what it draws: data-mark items per mark
 * type (axes, legends and titles left out), so a test asserts the plot shows the points it should.
 */
export async function drawn(spec: unknown): Promise<Record<string, number>> {
  const { View, parse } = await import('vega');
  const view = new View(parse(await compileVegaLite(spec as TopLevelSpec)), { renderer: 'none' });
  try {
    await view.runAsync();
    const counts: Record<string, number> = {};
    const walk = (node: SceneNode) => {
      if (node.marktype && node.role === 'mark' && node.marktype !== 'group') counts[node.marktype] = (counts[node.marktype] ?? 0) + (node.items?.length ?? 0);
      if (node.role === 'axis' || node.role === 'legend' || node.role === 'title') return;
      for (const item of node.items ?? []) walk(item);
    };
    walk((view.scenegraph() as unknown as { root: SceneNode }).root);
    return counts;
  } finally {
    view.finalize();
  }
}
