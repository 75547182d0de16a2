/**
 * Debian's Chromium, headless, through playwright-core — for the end-to-end test and the
 * measurement script. Never downloads a browser: the system's is used or nothing is.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

export interface LaunchedBrowser {
  /** A persistent context on the fresh profile (playwright's way to give --user-data-dir). */
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launch headless with flags for a machine without network or GPU, in a fresh profile. */
export async function launchChromium(viewport = { width: 1600, height: 1000 }): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tbpf-playground-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
