// The tbpf command as one self-contained bundle, split into chunks that load per command
// (dist/main.js and dist/chunks/). Stale chunks of an earlier build are removed first.
import { readFileSync, rmSync } from 'node:fs';
import { bundleApp } from '../../scripts/bundle-app.mjs';

const dir = new URL('.', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
await bundleApp(dir, { define: { TBPF_VERSION: JSON.stringify(version) }, selfContained: true });
