import { bundleApp } from '../../scripts/bundle-app.mjs';

const appDir = new URL('.', import.meta.url).pathname;
await bundleApp(appDir);
// The engine table's first-program child: a script of its own, which imports only what it measures.
await bundleApp(appDir, { entry: 'first-program' });
