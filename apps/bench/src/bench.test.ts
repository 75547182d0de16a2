/**
 * Smoke test of the benchmarks (tiny sizes): they run, the filters drop every loopback packet
 * (every 200 response), and the JSON and SVG they write are valid. Timings are never asserted.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPrograms } from '@tbpf/third-party';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleEntries } from '../../../packages/trace-host/src/testing/node-processes.js';
import { campaignScript } from './campaign-bundle.test-util.js';
import { node, rfc, vm } from './commands.js';
import { NODE_PHASES, type NodeTableReport } from './node-table.js';
import type { RfcTableReport } from './rfc-table.js';
import type { VmTableReport } from './vm-table.js';

const out = mkdtempSync(join(tmpdir(), 'tbpf-bench-test-'));
/** This app's script, built from the sources: the tables measure in its child processes. */
let script = '';
beforeAll(async () => {
  script = await campaignScript();
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));
const quiet = () => {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return () => {
    process.stdout.write = write;
  };
};

function svgOk(text: string) {
  expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(text.trim().endsWith('</svg>')).toBe(true);
  expect(text.match(/<rect /g)?.length ?? 0).toBeGreaterThan(3);
}

describe('bench --quick', () => {
  test(
    'the RFC table: every phase runs, filters drop every lo packet, JSON and SVG written',
    { timeout: 300_000 },
    async () => {
      const restore = quiet();
      try {
        await rfc({ out, iterations: 5_000, repeats: 2, rounds: 1, script });
      } finally {
        restore();
      }
      const report = JSON.parse(readFileSync(join(out, 'rfc-table.json'), 'utf8')) as RfcTableReport;
      const byId = new Map(report.phases.map((p) => [p.id, p]));
      expect([...byId.keys()]).toEqual([
        'none',
        'record',
        'predicate',
        'bpf-interp',
        'bpf-jit',
        'bpf-jit-unblinded',
        'bpf-wasm',
        'disabled',
      ]);
      expect(byId.get('record')!.recorded).toBe(5_000);
      expect(byId.get('none')!.recorded).toBe(0);
      for (const id of ['predicate', 'bpf-interp', 'bpf-jit', 'bpf-jit-unblinded', 'bpf-wasm'] as const) {
        expect(byId.get(id)!.dropped, id).toBe(5_000);
        expect(byId.get(id)!.recorded, id).toBe(0);
      }
      // One process per phase (rounds: 1), no tracing measured in each of them.
      for (const p of report.phases) expect(p.runs, p.id).toHaveLength(p.id === 'none' ? 7 : 1);
      // A ratio for each engine; its value is a measurement, never asserted (a few thousand
      // events can put an overhead under the no-tracing runs': then it is n/a, null in JSON).
      for (const id of ['bpf-interp', 'bpf-jit', 'bpf-wasm'] as const)
        expect(report.bpfOverPredicate[id], id).toHaveProperty('median');
      svgOk(readFileSync(join(out, 'rfc-table.svg'), 'utf8'));
    },
  );

  test('the engine table: every available engine measured in its own processes, JSON and SVG written', async () => {
    const restore = quiet();
    try {
      await vm({ out, progs: benchPrograms, rounds: 1, repeats: 1, calls: 2_000, script });
    } finally {
      restore();
    }
    const report = JSON.parse(readFileSync(join(out, 'vm-table.json'), 'utf8')) as VmTableReport;
    for (const id of ['interp', 'interp-unchecked', 'wasm'] as const) {
      const v = report.variants.find((e) => e.id === id)!;
      expect(v.available, id).toBe(true);
      for (const p of ['empty', 'filter', 'filter_branchy', 'loop', 'mem'] as const) {
        expect(v.figures[p]?.median, `${id} ${p}`).toBeGreaterThan(0);
      }
    }
    const wasm = report.variants.find((e) => e.id === 'wasm')!;
    expect(wasm.compile4096Ms?.median).toBeGreaterThan(0);
    expect(wasm.firstProgramMs?.median).toBeGreaterThan(0);
    expect(wasm.firstRunMs?.median).toBeGreaterThan(0);
    expect(wasm.firstProgramParts?.prepareMs.median).toBeGreaterThan(0);
    expect(wasm.firstImportMs?.median).toBeGreaterThan(0);
    svgOk(readFileSync(join(out, 'vm-table.svg'), 'utf8'));
  }, 300_000);

  test('the Node.js table: a server per phase in each group, filters drop every response, recording records them', async () => {
    const entries = await bundleEntries();
    const restore = quiet();
    try {
      await node({
        out,
        groups: 2,
        rounds: 2,
        requests: 100,
        warmup: 200,
        calls: 500,
        concurrency: 4,
        register: entries.register,
        resamples: 200,
      });
    } finally {
      restore();
      rmSync(entries.dir, { recursive: true, force: true });
    }
    const report = JSON.parse(readFileSync(join(out, 'node-table.json'), 'utf8')) as NodeTableReport;
    const byId = new Map(report.phases.map((p) => [p.id, p]));
    expect([...byId.keys()]).toEqual(NODE_PHASES.map((p) => p.id));
    expect(byId.get('disabled')).toMatchObject({ dropped: 0, recorded: 0 });
    // 2 groups × (200 warm-up + 2 rounds × 100) requests per phase
    expect(report.warmup).toBe(200);
    expect(byId.get('record')).toMatchObject({ dropped: 0, recorded: 800 });
    for (const id of ['predicate', 'bpf-wasm', 'bpf-jit', 'bpf-interp'] as const)
      expect(byId.get(id), id).toMatchObject({ dropped: 800, recorded: 0 });
    expect(report.runs).toHaveLength(2);
    // Kept after each group, so a long run that is stopped keeps what it measured.
    expect(JSON.parse(readFileSync(join(out, 'node-table.partial.json'), 'utf8')).runs).toEqual(report.runs);
    for (const group of report.runs) expect(group).toHaveLength(2);
    for (const p of report.phases) {
      expect(p.cpuNsPerRequest, p.id).toBeGreaterThan(0);
      for (const e of [p.cpuVsNone, p.requestsPerSecondVsNone, p.overheadNs])
        if (e) expect(e.ci[0], p.id).toBeLessThanOrEqual(e.ci[1]);
    }
    expect(byId.get('none')?.cpuVsNone).toBeUndefined();
    expect(byId.get('disabled')?.cpuVsNone?.value).toBeGreaterThan(0);
    expect(byId.get('disabled')?.overheadNs).toBeUndefined();
    expect(byId.get('bpf-wasm')?.overheadNs).toBeDefined();
    expect(report.eventPath.map((e) => e.id)).toEqual([
      'disabled',
      'record',
      'predicate',
      'bpf-wasm',
      'bpf-jit',
      'bpf-interp',
    ]);
    for (const e of report.eventPath) expect(e.ns, e.id).toBeGreaterThan(0);
    svgOk(readFileSync(join(out, 'node-table.svg'), 'utf8'));
  }, 120_000);
});
