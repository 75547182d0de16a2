/**
 * The built site: its size (deterministic, unlike load times — those are measured by
 * src/measure.test.ts and reported, never asserted) and what each bundle may contain.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSite } from '../build.mjs';

/** The issue's budget: everything a browser downloads, gzipped, the editor included. */
const BUDGET_GZIP = 400 * 1024;

describe('the built site', () => {
  let dir: string;
  let meta: Metafile;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tbpf-playground-bundle-'));
    meta = (await buildSite(dir, { metafile: true })).metafile as Metafile;
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const output = (name: string) => {
    const key = Object.keys(meta.outputs).find((k) => k.endsWith(`/${name}`));
    if (!key) throw new Error(`no ${name} in the build`);
    return meta.outputs[key];
  };

  it(`is at most ${BUDGET_GZIP / 1024} KB gzipped, editor and toolchain included`, () => {
    const files = readdirSync(dir);
    expect(files.sort()).toEqual(['index.html', 'main.js', 'style.css', 'worker.js']);
    const sizes = files.map((f) => [f, gzipSync(readFileSync(join(dir, f)), { level: 9 }).length] as const);
    const total = sizes.reduce((n, [, s]) => n + s, 0);
    console.log(
      `playground bundle, gzipped: ${sizes.map(([f, s]) => `${f} ${(s / 1024).toFixed(1)} KB`).join(', ')}; total ${(total / 1024).toFixed(1)} KB`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET_GZIP);
  });

  it('imports nothing from Node.js and leaves the x86-64 JIT out', () => {
    for (const out of Object.values(meta.outputs)) {
      expect(out.imports.filter((i) => i.path.startsWith('node:') || i.external)).toEqual([]);
      expect(Object.keys(out.inputs).filter((f) => f.includes('jit-x64'))).toEqual([]);
    }
  });

  it('keeps the toolchain in the worker: the page has the editor and the panels only', () => {
    const page = Object.keys(output('main.js').inputs);
    expect(page.filter((f) => f.includes('packages/'))).toEqual([]);
    const worker = Object.keys(output('worker.js').inputs);
    for (const pkg of ['cc-frontend', 'verifier', 'jit-wasm', 'vm', 'object', 'asm'])
      expect(worker.some((f) => f.includes(`packages/${pkg}/`))).toBe(true);
  });
});
