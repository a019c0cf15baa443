/**
 * Explicit mapping files: which prediction goes with which ground truth.
 *
 * CSV (`.csv`): a header row naming the columns, then one pair per row.
 *   gt,pred[,task][,subDataset][,name]
 *   label/0001.png,restored/0001.png,Dehazing,SOTS
 * Fields may be double-quoted (RFC 4180; `""` inside quotes is a quote). `sub_dataset` is
 * accepted for `subDataset`.
 *
 * JSON (`.json`): an array of objects with the same keys, or `{ "pairs": [ … ] }`:
 *   [{ "gt": "label/0001.png", "pred": "restored/0001.png", "task": "Dehazing" }]
 *
 * Relative paths are resolved against the mapping file's folder. `name` defaults to the
 * prediction's path as written in the file. Missing files are listed in one error line.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { RdbmError } from '../errors.js';
import { fileExists, problemLine } from './files.js';
import type { ImagePair } from './pairs.js';

interface RawRow {
  gt?: unknown;
  pred?: unknown;
  task?: unknown;
  subDataset?: unknown;
  sub_dataset?: unknown;
  name?: unknown;
}

/** Splits CSV text into rows of fields (RFC 4180 quoting; CRLF or LF line ends). */
export function parseMappingCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

function rowsFromCsv(path: string, text: string): RawRow[] {
  const [header, ...rows] = parseMappingCsv(text.replace(/^\uFEFF/, ''));
  const columns = (header ?? []).map((h) => h.trim());
  if (!columns.includes('gt') || !columns.includes('pred')) {
    throw new RdbmError(`${path}: the CSV header must name the columns gt and pred (found ${columns.join(',') || 'nothing'})`);
  }
  return rows.map((fields) => Object.fromEntries(columns.map((c, i) => [c, fields[i]?.trim()])) as RawRow);
}

function rowsFromJson(path: string, text: string): RawRow[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RdbmError(`${path}: invalid JSON (${String((error as Error).message).split('\n')[0]})`);
  }
  const list = Array.isArray(value) ? value : (value as { pairs?: unknown })?.pairs;
  if (!Array.isArray(list)) throw new RdbmError(`${path}: expected a JSON array of {gt, pred} objects or {"pairs": [...]}`);
  return list as RawRow[];
}

/** Reads a CSV or JSON mapping file (format chosen by extension) into pairs with absolute paths. */
export function readMapping(path: string): ImagePair[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new RdbmError(`${path}: cannot read the mapping file`);
  }
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw new RdbmError(`${path}: a mapping file must end in .csv or .json`);
  const rows = ext === '.csv' ? rowsFromCsv(path, text) : rowsFromJson(path, text);
  const base = dirname(resolve(path));
  const problems: string[] = [];
  const pairs: ImagePair[] = [];
  rows.forEach((row, i) => {
    const where = `${path} entry ${i + 1}`;
    if (typeof row?.gt !== 'string' || typeof row?.pred !== 'string' || !row.gt || !row.pred) {
      throw new RdbmError(`${where}: gt and pred must be non-empty strings`);
    }
    const gt = resolve(base, row.gt);
    const pred = resolve(base, row.pred);
    for (const p of [gt, pred]) if (!fileExists(p)) problems.push(`${p} (missing, ${where})`);
    const sub = row.subDataset ?? row.sub_dataset;
    pairs.push({
      name: typeof row.name === 'string' && row.name ? row.name : row.pred,
      gt,
      pred,
      ...(typeof row.task === 'string' && row.task ? { task: row.task } : {}),
      ...(typeof sub === 'string' && sub ? { subDataset: sub } : {}),
    });
  });
  if (!pairs.length) throw new RdbmError(`${path}: no pairs listed`);
  if (problems.length) throw new RdbmError(problemLine(`missing files in ${path}`, problems));
  return pairs;
}
