/**
 * Filters written to the control plane are read and verified in a worker with time and memory
 * limits: the host's thread keeps running events (and the old filter) meanwhile, and a hostile
 * filter costs the host nothing but a typed error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ControlPlaneError } from './control-plane.js';
import { FilterPlanner } from './filter-planner.js';
import { netHost } from './testing/netsim.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let worker = '';

/** The worker as the built package would have it: one bundle of src/filter-worker.ts. */
beforeAll(async () => {
  const esbuild = await import('esbuild');
  worker = path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-worker-')), 'filter-worker.mjs');
  await esbuild.build({
    entryPoints: [path.join(here, 'filter-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['source'],
    outfile: worker,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
}, 120_000);

const KEEP_ETH5 = `#!bpf c
#include <tbpf/bpf_helpers.h>
struct kfree_skb_record {
  unsigned short common_type; unsigned char common_flags; unsigned char common_preempt_count; int common_pid;
  void *skbaddr; void *location; unsigned short protocol; char name[16]; unsigned int len;
};
SEC("tracepoint/skb/kfree_skb")
int keep(struct kfree_skb_record *ctx) { return ctx->name[3] == '5'; }
`;

/** A loop the verifier walks for a long time (every iteration is a new state). */
const SLOW_TO_VERIFY = '#!bpf asm\nr0 = 0\nl:\nr0 += 1\nif r0 < 900000 goto l\nexit\n';

/** Macros that double at every level: gigabytes of tokens from a few hundred bytes. */
const MACRO_BOMB = `#!bpf c
#define A0 x
${Array.from({ length: 40 }, (_, i) => `#define A${i + 1} A${i} A${i}`).join('\n')}
int f(void *ctx) { return A40; }
`;

async function failure(p: Promise<unknown>): Promise<ControlPlaneError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ControlPlaneError) return e;
    throw e;
  }
  throw new Error('the write did not fail');
}

describe('filters written to the control plane are planned in a worker', () => {
  it('attaches a good filter; the host thread keeps running meanwhile', async () => {
    const { host, devices, net, kfreeSkb } = netHost({ filterPlanner: { worker } });
    expect(host.filterPlanner.inThread).toBeUndefined();
    host.enable(kfreeSkb);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      await host.writeAsync('events/skb/kfree_skb/filter', KEEP_ETH5);
    } finally {
      clearInterval(ticker);
    }
    expect(ticks).toBeGreaterThan(0); // the event loop ran while the worker compiled
    expect(host.read('events/skb/kfree_skb/filter')).toMatch(/^bpf: c/);
    for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 10));
    expect(host.consumeRecords().map((r) => r.text.replace(/.*name=(\S+).*/, '$1'))).toEqual(['eth5']);
  });

  it('stops a filter that takes too long; the old filter runs throughout', async () => {
    const { host, devices, net, kfreeSkb } = netHost({ filterPlanner: { worker, timeMs: 300 } });
    host.enable(kfreeSkb);
    host.write('events/skb/kfree_skb/filter', 'name == "eth5"');
    const pending = failure(host.writeAsync('events/skb/kfree_skb/filter', SLOW_TO_VERIFY));
    for (const d of devices) net.kfree_skb(net.netdev_alloc_skb(d, 10)); // while the worker runs
    const e = await pending;
    expect(e.message).toMatch(/took longer than 300 ms/);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('name == "eth5"\n');
    expect(host.consumeRecords()).toHaveLength(1);
    expect(host.read('error_log')).toMatch(/took longer than 300 ms/);
  }, 30_000);

  it("counts the filter's time from the worker's start-up, which has a limit of its own", async () => {
    const { host } = netHost({ filterPlanner: { worker, startMs: 1 } });
    const e = await failure(host.writeAsync('events/skb/kfree_skb/filter', KEEP_ETH5));
    expect(e.message).toMatch(/starting the filter worker took longer than 1 ms/);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('none\n');
  });

  it('stops a filter that needs too much memory', async () => {
    const { host } = netHost({ filterPlanner: { worker, memoryMb: 48, timeMs: 60_000 } });
    const e = await failure(host.writeAsync('events/skb/kfree_skb/filter', MACRO_BOMB));
    expect(e.message).toMatch(/needed more than 48 MiB/);
    expect(host.read('events/skb/kfree_skb/filter')).toBe('none\n');
  }, 120_000);

  it('reports a rejected program with the verifier log, as in the calling thread', async () => {
    const { host } = netHost({ filterPlanner: { worker } });
    const e = await failure(host.writeAsync('events/skb/kfree_skb/filter', '#!bpf asm\nr0 = r5\nexit\n'));
    expect(e.detail).toMatch(/R5 !read_ok/);
  });

  it('lets the latest write win when writes overlap', async () => {
    const { host } = netHost({ filterPlanner: { worker } });
    const first = host.writeAsync('events/skb/kfree_skb/filter', KEEP_ETH5);
    host.write('events/skb/kfree_skb/filter', 'len > 5'); // written after, applied at once
    await first;
    expect(host.read('events/skb/kfree_skb/filter')).toBe('len > 5\n');
  });

  it('plans in the calling thread when there is no worker script, and says why', () => {
    expect(new FilterPlanner({ worker: path.join(here, 'no-such-worker.js') }).inThread).toMatch(
      /does not exist/,
    );
    expect(new FilterPlanner({ worker: false }).inThread).toMatch(/no worker/);
  });
});
