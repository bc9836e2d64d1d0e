// Build outputs shared by everything in this checkout (dist/, the framework fixture apps) are written to a
// private staging folder first and then moved into place one file at a time with rename(2), which replaces
// a file atomically. So two `npm test` runs side by side in one checkout never see a half-written or a
// missing file while the other builds: they read either the old build or the new one, and both builds of
// one source are the same bytes. Files the new build no longer has are removed afterwards.
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** Every file below `dir`, as paths relative to it. */
function files(dir, base = dir) {
  /** @type {string[]} */
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(path, base));
    else out.push(relative(base, path));
  }
  return out;
}

/** A fresh staging folder beside `target` (the same file system, so rename can move its files). */
export function stage(target) {
  mkdirSync(dirname(target), { recursive: true });
  return mkdtempSync(`${target}.stage-`);
}

/**
 * Move every file of `staged` into `target` (atomically, file by file), then delete the files of `target`
 * the build did not write, except below the folders named in `keep` (published on their own), and the
 * staging folder.
 * @param {string} staged @param {string} target @param {{keep?: string[]}} [options]
 */
export function publish(staged, target, { keep = [] } = {}) {
  const written = new Set(files(staged));
  for (const file of written) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    renameSync(join(staged, file), join(target, file));
  }
  for (const file of files(target)) {
    if (written.has(file) || keep.some((folder) => file.startsWith(`${folder}/`))) continue;
    if (file.includes('.stage-')) continue; // another run's staging folder
    rmSync(join(target, file), { force: true });
  }
  rmSync(staged, { recursive: true, force: true });
}
