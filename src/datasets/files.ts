/**
 * Small file-system helpers shared by the pairing rules: which files count as images,
 * sorted directory listings, and the one-line error for missing / unpaired files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { RdbmError } from '../errors.js';

/** Extensions read by src/image (sharp): PNG, JPEG, BMP, TIFF, WebP. */
export const IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);

/** True when `name` has an image extension (case-insensitive). */
export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

/** The file name without its last extension: `0001.jpg` → `0001`. */
export function stemOf(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Image files directly inside `dir`, sorted by code point (deterministic across platforms). Entries named like
 * images that are not files (a folder `x.png`, a socket) are skipped with one warning listing them (issue 32:
 * they were skipped silently).
 */
export function listImages(dir: string, warn?: (message: string) => void): string[] {
  if (!isDirectory(dir)) throw new RdbmError(`${dir}: not a directory`);
  const named = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.') && isImageFile(e.name));
  // a link counts as a file here (what it points at is checked when it is read)
  const skipped = named.filter((e) => !(e.isFile() || e.isSymbolicLink())).map((e) => `${e.name}${e.isDirectory() ? '/' : ''}`);
  if (skipped.length) warn?.(problemLine(`entries named like images that are not files, skipped, in ${dir}`, skipped.sort(byCodePoint)));
  return named
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => e.name)
    .sort(byCodePoint);
}

/** Sub-directories of `dir`, sorted. */
export function listDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && isDirectory(`${dir}/${e.name}`))))
    .map((e) => e.name)
    .sort(byCodePoint);
}

export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

/**
 * One line listing problems, e.g. `3 unpaired files in /d: label/a.png (no condition), …`;
 * long lists are cut after `shown` items with a count of the rest.
 */
export function problemLine(what: string, items: readonly string[], shown = 8): string {
  const head = items.slice(0, shown).join('; ');
  const rest = items.length > shown ? `; and ${items.length - shown} more` : '';
  return `${items.length} ${what}: ${head}${rest}`;
}
