import { readFileSync } from 'node:fs';
import { bundleApp } from '../../scripts/bundle-app.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
await bundleApp(new URL('.', import.meta.url).pathname, { TBPF_VERSION: JSON.stringify(version) });
