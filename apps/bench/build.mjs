import { bundleApp } from '../../scripts/bundle-app.mjs';

const appDir = new URL('.', import.meta.url).pathname;
// Split at each command's dynamic import(): a process loads only its command's packages.
await bundleApp(appDir, { splitting: true });
// The engine table's first-program child: a script of its own, which imports only what it measures.
await bundleApp(appDir, { entry: 'first-program' });
