// The tbpf command as self-contained bundles, split into chunks that load per command
// (dist/main.js and dist/chunks/), and the conformance plugin's own (dist/plugin.cjs, CommonJS):
// the upstream runner starts a process per test, and a bundle of its own holds only the code the
// plugin runs on the interpreter. Stale chunks of an earlier build are removed first.
import { readFileSync, rmSync } from 'node:fs';
import { bundleApp } from '../../scripts/bundle-app.mjs';

const dir = new URL('.', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { TBPF_VERSION: JSON.stringify(version) };
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });
await bundleApp(dir, { define, selfContained: true });
await bundleApp(dir, { define, selfContained: true, commonJs: true, entry: 'plugin' });
