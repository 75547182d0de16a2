/**
 * The campaigns run their programs in child processes of this app's own script. Tests build
 * that script from the sources (bundleApp's self-contained form, like the CLI's bundle), inside
 * the app's node_modules so the bundle still finds the installed packages' native parts
 * (jit-x64's addon).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../../scripts/bundle-app.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function campaignScript(): Promise<string> {
  const outdir = path.join(appDir, 'node_modules', '.cache', `tbpf-bench-${process.pid}`);
  await bundleApp(appDir, { selfContained: true, outdir });
  // The engine table's first-program child, next to main.js.
  await bundleApp(appDir, { selfContained: true, outdir, entry: 'first-program' });
  return path.join(outdir, 'main.js');
}
