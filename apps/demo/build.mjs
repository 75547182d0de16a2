import { bundleApp } from '../../scripts/bundle-app.mjs';

await bundleApp(new URL('.', import.meta.url).pathname);
