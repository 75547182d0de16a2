/**
 * The playground in a real browser: Debian's Chromium, headless, through playwright-core.
 * Types a program the verifier rejects, sees the rejected line highlighted, fixes it, runs it
 * and reads r0 and a map value; a share link reproduces it. Screenshots go to
 * test-artifacts/ (ignored by git). Without Chromium the test is skipped — in CI (CI=true)
 * it fails instead: .ci/run installs Debian's `chromium`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../build.mjs';
import { CHROMIUM, chromiumInstalled, type LaunchedBrowser, launchChromium } from './browser.js';
import { type SiteServer, serveSite } from './server.js';

const haveChromium = chromiumInstalled();
if (!haveChromium && process.env.CI)
  throw new Error(`Chromium (${CHROMIUM}, Debian's chromium) is required in CI`);
if (!haveChromium)
  console.warn(`playground end-to-end test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const WAIT = { timeout: 60_000 };

/** The program typed in: a lookup (by a key the verifier does not know) whose NULL case is not checked. */
const TYPED = [
  '#include <tbpf/bpf_helpers.h>',
  '#include <tbpf/trace.h>',
  'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __type(key, __u32); __type(value, __u64); __uint(max_entries, 4); } totals SEC(".maps");',
  'SEC("kprobe/vfs_read")',
  'int add_bytes(struct pt_regs *ctx)',
  '{',
  '__u32 key = ctx->di & 3;',
  '__u64 *total = bpf_map_lookup_elem(&totals, &key);',
  '*total += ctx->dx;',
  'return *total;',
  '}',
  'char LICENSE[] SEC("license") = "GPL";',
];
const REJECTED_LINE = 9;

describe.skipIf(!haveChromium)('the playground in Chromium', () => {
  let site: string;
  let server: SiteServer;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), 'tbpf-playground-site-'));
    await buildSite(site);
    server = await serveSite(site);
    browser = await launchChromium();
    page = await browser.context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  /** The number of analyses shown so far (the page counts them on <body>). */
  const analysed = async () => Number((await page.getAttribute('body', 'data-analysed')) ?? 0);
  const nextAnalysis = async (after: number) =>
    page.waitForFunction((n) => Number(document.body.dataset.analysed ?? 0) > n, after, WAIT);

  it('loads with an example analysed: listing, verdict and run', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector('.verdict.accepted', WAIT);
    expect(await page.locator('#listing .insn').count()).toBeGreaterThan(10);
    expect(await page.textContent('#r0')).toBe('0');
    expect(await page.textContent('#printk')).toMatch(/eth5/);
    expect(errors).toEqual([]);
    await shot('1-loaded');
  });

  it('shows a rejection on the right line, then runs the fixed program', async () => {
    // Type the program over the example.
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    for (const [i, line] of TYPED.entries()) {
      await page.keyboard.type(line);
      if (i < TYPED.length - 1) await page.keyboard.press('Enter');
    }
    await page.waitForSelector('.verdict.rejected', WAIT);
    expect(await page.inputValue('#example')).toBe(''); // no longer the example it started from
    expect(await page.textContent('.verdict .reason')).toMatch(/invalid mem access 'map_value_or_null'/);
    const marked = page.locator('.cm-line.cm-rejected-line');
    await expect.poll(() => marked.count(), WAIT).toBe(1);
    expect((await marked.textContent())?.trim()).toBe(TYPED[REJECTED_LINE - 1]);
    // The listing marks the rejected instruction; the state there shows the possibly-NULL pointer.
    expect(await page.locator('#listing .insn.rejected').getAttribute('data-line')).toBe(
      String(REJECTED_LINE),
    );
    await page.waitForSelector('#state table.regs', WAIT);
    expect(await page.textContent('#state')).toMatch(/map_value_or_null/);
    expect(await page.textContent('#run-result')).toMatch(/rejected/);
    await shot('2-rejected');

    // Fix it: a NULL check after the lookup. Half-typed, it does not compile: the error shows
    // inline and the panels keep the last program, dimmed.
    const before = await analysed();
    await page
      .locator('.cm-line')
      .nth(REJECTED_LINE - 2)
      .click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('if (!total');
    await nextAnalysis(before);
    await page.waitForSelector('body.stale', WAIT);
    await page.waitForSelector('.cm-lintRange-error', WAIT);
    expect(await page.textContent('#problems')).toMatch(/compiler/);
    expect(await page.locator('#listing .insn').count()).toBeGreaterThan(0);
    const halfTyped = await analysed();
    await page.keyboard.type(') return 0;');
    await nextAnalysis(halfTyped);
    await page.waitForSelector('.verdict.accepted', WAIT);
    expect(await page.locator('body.stale').count()).toBe(0);
    expect(await page.locator('.cm-line.cm-rejected-line').count()).toBe(0);

    // Run it: key 1, dx = 1500, three times.
    await page.fill('input[data-field="di"]', '1');
    await page.fill('input[data-field="dx"]', '1500');
    await page.fill('#repeat', '3');
    const beforeRun = await analysed();
    await page.click('#run');
    await nextAnalysis(beforeRun);
    await page.waitForFunction(() => document.querySelector('#r0')?.textContent === '4500', undefined, WAIT);
    const row = page.locator('.map[data-map="totals"] tr', {
      has: page.locator('td.key', { hasText: /^1$/ }),
    });
    expect(await row.locator('td.value').textContent()).toBe('4500');
    expect(await page.textContent('#time-per-run')).toMatch(/per run \(mean of [\d,]+ runs\)/);
    await shot('3-fixed-and-run');

    // The interpreter gives the same answer and counts the instructions it executed.
    const beforeInterp = await analysed();
    await page.selectOption('#engine', 'interp');
    await nextAnalysis(beforeInterp);
    await page.waitForFunction(() => document.querySelector('#r0')?.textContent === '4500', undefined, WAIT);
    expect(await page.textContent('.run-meta')).toMatch(/interp.*insns executed/);
  });

  it('links an instruction to its source line and shows the state there', async () => {
    const call = page.locator('#listing .insn', { hasText: 'call 0x1' });
    await call.click();
    const line = Number(await call.getAttribute('data-line'));
    expect(TYPED[line - 1]).toContain('bpf_map_lookup_elem');
    await expect
      .poll(() => page.locator('.cm-line.cm-linked-line').textContent(), WAIT)
      .toContain('bpf_map_lookup_elem');
    await page.waitForFunction(
      () => /R1/.test(document.querySelector('#state')?.textContent ?? ''),
      undefined,
      WAIT,
    );
    expect(await page.textContent('#state')).toMatch(/map_ptr\(map=totals/);
    expect(await page.locator('#log .selected').count()).toBeGreaterThan(0);
    await shot('4-state-at-call');
  });

  it('runs on Ctrl-Enter, and puts the program and settings in a link that reproduces them', async () => {
    const before = await analysed();
    await page.click('.cm-content');
    await page.keyboard.press('Control+Enter');
    await nextAnalysis(before);
    await page.click('#share');
    await page.waitForFunction(() => location.hash.startsWith('#z='), undefined, WAIT);
    const url = page.url();
    const other = await browser.context.newPage();
    await other.goto(url);
    await other.waitForSelector('.verdict.accepted', WAIT);
    await other.waitForFunction(() => document.querySelector('#r0')?.textContent === '4500', undefined, WAIT);
    expect(await other.inputValue('#engine')).toBe('interp');
    expect(await other.inputValue('input[data-field="dx"]')).toBe('1500');
    await other.close();
  });

  it('runs the XDP example on a packet, and on the packet edited', async () => {
    const before = await analysed();
    await page.selectOption('#example', 'xdp');
    await nextAnalysis(before);
    await page.waitForSelector('.verdict.accepted', WAIT);
    await page.waitForSelector('#packet-hex', WAIT);
    // XDP_TX, the TTL (byte 22) 0x40 → 0x3f and the checksum 0x1493 → 0x1593.
    await page.waitForFunction(() => document.querySelector('#r0')?.textContent === '3', undefined, WAIT);
    const out = ((await page.textContent('#packet-out')) ?? '').split(' ');
    expect(out[22]).toBe('3f');
    expect(out.slice(24, 26)).toEqual(['15', '93']);
    const udp = page.locator('.map[data-map="protocols"] tr', {
      has: page.locator('td.key', { hasText: /^17$/ }),
    });
    expect(await udp.locator('td.value').textContent()).toBe('1');
    // To port 53: dropped.
    const packet = await page.inputValue('#packet-hex');
    const edited = await analysed();
    await page.fill('#packet-hex', packet.replace('12 b5', '00 35'));
    await nextAnalysis(edited);
    await page.waitForFunction(() => document.querySelector('#r0')?.textContent === '1', undefined, WAIT);
    expect(await page.textContent('#run-result')).toMatch(/retval 1/);
    await shot('5-xdp-packet');
  });
});
