/**
 * A file-system fault injector, preloaded into the CLI under test (`node --import`): writes under
 * RDBM_FAULT_DIR fail with RDBM_FAULT_CODE (default ENOSPC) once RDBM_FAULT_AFTER bytes (default 0) have been
 * written there — what a full disk (ENOSPC), a quota (EDQUOT) or a permission change (EACCES) does to them,
 * including the partly written file a full disk leaves. Node's own fs functions are replaced and the ES module
 * bindings of `node:fs` synchronised, so the CLI's `import { writeFileSync } from 'node:fs'` sees them.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

const dir = process.env.RDBM_FAULT_DIR && resolve(process.env.RDBM_FAULT_DIR);
const code = process.env.RDBM_FAULT_CODE || 'ENOSPC';
let allowance = Number(process.env.RDBM_FAULT_AFTER || 0);
const text = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EDQUOT: 'disk quota exceeded', EROFS: 'read-only file system' };

const inside = (path) => dir !== undefined && typeof path === 'string' && (resolve(path) === dir || resolve(path).startsWith(dir + sep));

function fault(syscall, path) {
  const error = new Error(`${code}: ${text[code] ?? 'injected fault'}, ${syscall} '${path}'`);
  Object.assign(error, { code, syscall, path, errno: -28 });
  return error;
}

const { writeFileSync, appendFileSync, copyFileSync, mkdirSync } = fs;

fs.writeFileSync = function (path, data, ...rest) {
  if (inside(path)) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length > allowance) {
      if (code === 'ENOSPC' || code === 'EDQUOT') writeFileSync(path, bytes.subarray(0, Math.max(0, allowance))); // the part that fit
      allowance = 0;
      throw fault('write', path);
    }
    allowance -= bytes.length;
  }
  return writeFileSync.call(this, path, data, ...rest);
};
fs.appendFileSync = function (path, data, ...rest) {
  if (inside(path)) throw fault('write', path);
  return appendFileSync.call(this, path, data, ...rest);
};
fs.copyFileSync = function (src, dest, ...rest) {
  if (inside(dest)) throw fault('copyfile', dest);
  return copyFileSync.call(this, src, dest, ...rest);
};
if (code === 'EACCES' || code === 'EROFS') {
  fs.mkdirSync = function (path, ...rest) {
    if (inside(path) && !fs.existsSync(path)) throw fault('mkdir', path);
    return mkdirSync.call(this, path, ...rest);
  };
}
syncBuiltinESMExports();
