/**
 * Every file of a dataset folder, as a key must see it (issue 32, defects 4 and 7): symbolic links are
 * followed (the layout scanner follows them, so their content is part of the data), and what cannot be
 * followed — a link loop, a dangling link, a link back to a folder above it, an unreadable folder — is a
 * one-line error naming the path, not an internal error.
 */
import { type Stats, readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { RdbmError } from '../errors.js';
import { fsFault } from '../util/fs.js';
import { byCodePoint } from './files.js';

export interface FolderFile {
  /** the path under the root as walked (links not resolved) */
  readonly path: string;
  /** relative to the root, with `/` separators */
  readonly rel: string;
  readonly stat: Stats;
}

function statFollowing(path: string, root: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      let target: string | undefined;
      try {
        target = readlinkSync(path);
      } catch {
        // not a link: it vanished while listing
      }
      if (target !== undefined) throw new RdbmError(`${root}: ${path} is a dangling symbolic link (its target ${target} does not exist); remove or fix it`);
    }
    if (code === 'ELOOP') throw new RdbmError(`${root}: ${path} is a symbolic link loop (ELOOP); remove or fix the link`);
    throw fsFault(error, path);
  }
}

/** Files under `root` in sorted path order (directories entered in code-point order), following links. */
export function listFolderFiles(root: string): FolderFile[] {
  const out: FolderFile[] = [];
  const walk = (dir: string, ancestors: readonly string[]) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort(byCodePoint);
    } catch (error) {
      throw fsFault(error, dir);
    }
    for (const name of names) {
      const path = join(dir, name);
      const stat = statFollowing(path, root);
      if (stat.isDirectory()) {
        const real = realpathSync(path);
        const loop = ancestors.find((a) => a === real);
        if (loop) throw new RdbmError(`${root}: ${path} links back to ${loop}, a folder above it (a directory cycle); remove or fix the link`);
        walk(path, [...ancestors, real]);
      } else if (stat.isFile()) out.push({ path, rel: relative(root, path).split('\\').join('/'), stat });
    }
  };
  walk(root, [realpathSync(root)]);
  return out;
}
