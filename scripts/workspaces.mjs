// The workspace's package folders, as pnpm-workspace.yaml lists them (`dir/*` or `dir`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root the repository's folder @returns {string[]} folders relative to it */
export function workspaceDirs(root) {
  const globs = [
    ...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s*-\s*"?([^"\n]+)"?/gm),
  ];
  return globs.flatMap(([, glob]) => {
    if (!glob.endsWith('/*')) return [glob];
    const dir = glob.slice(0, -2);
    return readdirSync(join(root, dir), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${dir}/${d.name}`);
  });
}
