/**
 * The budgets measured in Debian's Chromium (reports only; times are never asserted):
 *
 *   PLAYGROUND_MEASURE=1 npx vitest run src/measure.test.ts     (in apps/playground)
 *
 * - first load from a local server, cache empty: navigation start → the first analysis shown
 *   (editor, listing, verdict, run), against a reference page (a blank HTML file) from the
 *   same server in the same run;
 * - the RFC filter after an edit: request sent → panels rendered (compile + verify + load + run
 *   in the worker, the message both ways, rendering), against the same analysis in Node.js in
 *   this process;
 * - the bundle's gzipped size (bundle.test.ts checks the budget).
 * Medians of interleaved runs; the load average is printed with them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { it } from 'vitest';
import { buildSite } from '../build.mjs';
import { chromiumInstalled, launchChromium } from './browser.js';
import { analyse } from './lib/analyse.js';
import { EXAMPLES } from './lib/examples.js';
import { serveSite } from './server.js';

const RUNS = Number(process.env.PLAYGROUND_MEASURE_RUNS ?? 9);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})`;

it.runIf(process.env.PLAYGROUND_MEASURE && chromiumInstalled())(
  'measures first load, edit → result and bundle size in Chromium',
  async () => {
    const site = mkdtempSync(join(tmpdir(), 'tbpf-playground-measure-'));
    await buildSite(site);
    writeFileSync(join(site, 'blank.html'), '<!doctype html><title>blank</title><p>blank</p>');
    const server = await serveSite(site);
    const { context, close } = await launchChromium();
    const load: number[] = [];
    const blank: number[] = [];
    const edit: number[] = [];
    const worker: number[] = [];
    const node: number[] = [];
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      for (let i = 0; i < RUNS; i++) {
        // Interleaved: the reference page, then the playground, both with an empty cache.
        await page.goto(`${server.url}blank.html`, { waitUntil: 'load' });
        blank.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].duration));
        await page.goto(server.url);
        await page.waitForFunction(
          () => performance.getEntriesByName('tbpf:first-analysis').length > 0,
          undefined,
          {
            timeout: 60_000,
          },
        );
        load.push(
          await page.evaluate(() => performance.getEntriesByName('tbpf:first-analysis')[0].startTime),
        );
      }
      // Edits of the RFC filter (the first example): change the device name, wait for the result.
      await page.waitForSelector('.verdict.accepted');
      const line = page.locator('.cm-line', { hasText: 'char devname[4]' });
      for (let i = 0; i < RUNS * 2; i++) {
        const before = Number(await page.getAttribute('body', 'data-analysed'));
        await line.click();
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Backspace');
        await page.keyboard.type(String(i % 10));
        await page.waitForFunction((n) => Number(document.body.dataset.analysed) > n, before, {
          timeout: 60_000,
        });
        // The debounce lets quick edits coalesce; wait for the last one.
        await page.waitForTimeout(300);
        edit.push(Number(await page.getAttribute('body', 'data-rendered-ms')));
        const status = (await page.textContent('#status')) ?? '';
        const t = /compile ([\d.]+) · verify ([\d.]+) · load ([\d.]+) · run ([\d.]+)/.exec(status);
        if (t) worker.push(Number(t[1]) + Number(t[2]) + Number(t[3]) + Number(t[4]));
        // The same analysis in Node.js, interleaved.
        const e = EXAMPLES[0];
        const start = performance.now();
        analyse({
          source: e.source.replace('eth5', `eth${i % 10}`),
          lang: 'c',
          type: 'auto',
          logLevel: 2,
          execute: true,
          timingBudgetMs: 3,
          run: { engine: 'wasm', fields: e.fields ?? {}, ctxHex: '', packetHex: '', repeat: 1 },
        });
        node.push(performance.now() - start);
      }
      await page.screenshot({ path: join(tmpdir(), 'tbpf-playground-measure.png') });
    } finally {
      await close();
      await server.close();
    }
    const gz = ['index.html', 'style.css', 'main.js', 'worker.js'].map(
      (f) => gzipSync(readFileSync(join(site, f)), { level: 9 }).length,
    );
    rmSync(site, { recursive: true, force: true });
    console.log(
      [
        `playground measurements (Chromium ${context.browser()?.version() ?? ''}, load average ${loadavg()
          .map((x) => x.toFixed(1))
          .join(' ')}, ${RUNS} runs)`,
        `first load, empty cache, to the first analysis shown: ${fmt(load)}`,
        `  reference, a blank page from the same server: ${fmt(blank)}`,
        `RFC filter after an edit, request → panels rendered: ${fmt(edit)} (+ ${150} ms debounce after the last keystroke)`,
        `  of which in the worker (compile + verify + load + run): ${fmt(worker)}`,
        `  reference, the same analysis in Node.js: ${fmt(node)}`,
        `bundle, gzipped: ${(gz.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} KB (html ${gz[0]}, css ${gz[1]}, page ${gz[2]}, worker ${gz[3]} bytes)`,
      ].join('\n'),
    );
  },
  600_000,
);
