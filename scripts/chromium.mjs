/**
 * Headless Chromium for the checks that look at rendered output (the notebooks' screenshots, the plots'
 * layout): finding the browser, its flags, and reading back a page's measurements. A page reports by
 * writing JSON into <pre id="…">, which --dump-dom returns after the page's scripts ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The first of $CHROMIUM, chromium, chromium-browser, google-chrome that runs; undefined when none does. */
export function findChromium(env = process.env) {
  for (const c of [env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean)) {
    const r = spawnSync(c, ['--version'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return c;
  }
  return undefined;
}

/** Flags for a deterministic headless run with its own profile folder (no network, no GPU, 1 px per CSS px). */
export function chromiumArgs(profile, budgetMs = 5000) {
  return ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-first-run', `--user-data-dir=${profile}`, '--hide-scrollbars', '--force-device-scale-factor=1', `--virtual-time-budget=${budgetMs}`,
    '--allow-file-access-from-files'];
}

const unescapeHtml = (s) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/**
 * Opens a page (a file path) in headless Chromium and returns the JSON its scripts wrote into
 * <pre id="<id>">, or { error } naming what went wrong.
 */
export function pageReport(browser, file, { id, width = 1100, height = 900, budgetMs = 5000 }) {
  const profile = mkdtempSync(join(tmpdir(), 'rdbm-chromium-'));
  try {
    const r = spawnSync(browser, [...chromiumArgs(profile, budgetMs), `--window-size=${width},${height}`, '--dump-dom', `file://${file}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const m = new RegExp(`<pre id="${id}">([^<]*)</pre>`).exec(r.stdout ?? '');
    if (!m) return { error: `Chromium wrote no report (${(r.stderr ?? '').trim().split('\n').pop()})` };
    return JSON.parse(unescapeHtml(m[1]));
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
