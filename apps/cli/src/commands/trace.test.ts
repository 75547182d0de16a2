import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleApp } from '../../../../scripts/bundle-app.mjs';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TRACE_HOST_DIR = path.resolve(here, '../../../../packages/trace-host');

/** A filter in C, compiled by the CLI: counts packets per device and keeps eth5's events only. */
const ETH5_C = `
#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>

struct net_device { char name[16]; int ifindex; unsigned int mtu; };

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, int);
  __type(value, __u64);
} counts SEC(".maps");

SEC("kprobe/kfree_skb")
int count_eth5(struct pt_regs *ctx) {
  struct net_device *dev = (struct net_device *)ctx->si;
  char name[16];
  int idx = 0;
  __u64 one = 1, *v;
  bpf_probe_read_kernel(name, sizeof(name), dev->name);
  bpf_probe_read_kernel(&idx, sizeof(idx), &dev->ifindex);
  v = bpf_map_lookup_elem(&counts, &idx);
  if (v) __sync_fetch_and_add(v, 1);
  else bpf_map_update_elem(&counts, &idx, &one, BPF_ANY);
  return name[0] == 'e' && name[1] == 't' && name[2] == 'h' && name[3] == '5' && name[4] == 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

let child: ChildProcess | undefined;
let socket = '';

/** The socket host as one self-contained script (the CLI's own bundling), run by a Node of its own. */
async function bundleHost(dir: string): Promise<string> {
  await bundleApp(TRACE_HOST_DIR, { selfContained: true, entry: 'testing/socket-host', outdir: dir });
  return path.join(dir, 'socket-host.js');
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-trace-'));
  socket = path.join(dir, 'host.sock');
  const script = await bundleHost(dir);
  const proc = spawn(process.execPath, [script, socket, '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stderr = '';
  proc.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`host did not start: ${stderr}`)), 30_000);
    proc.stdout?.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`host exited with ${code}: ${stderr}`)));
  });
}, 60_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

async function tbpf(files: Record<string, string> = {}, ...args: string[]) {
  const io = memoryIo(files);
  const code = await runCli(['node', 'tbpf', 'trace', '--socket', socket, ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

/** The device names of the next `count` events in trace_pipe (what was recorded before is dropped). */
async function nextDeviceNames(count: number): Promise<string[]> {
  await tbpf({}, 'cat', 'trace_pipe');
  const r = await tbpf({}, 'pipe', '--count', String(count), '--timeout', '10000');
  return r.out
    .trim()
    .split('\n')
    .map((l) => l.replace(/.*name=(\S+).*/, '$1'));
}

describe('tbpf trace against a live host process', () => {
  it('creates the control socket owner-only', () => {
    expect(statSync(socket).mode & 0o777).toBe(0o600);
  });

  it('lists, enables, filters with a C file, streams trace_pipe and dumps the map', async () => {
    let r = await tbpf({}, 'list');
    expect(r).toMatchObject({ code: 0 });
    expect(r.out).toMatch(/^skb:kfree_skb\s+disabled\s+filter: none$/m);

    expect((await tbpf({}, 'enable', 'skb:kfree_skb')).code).toBe(0);
    expect((await tbpf({}, 'list')).out).toMatch(/^skb:kfree_skb\s+enabled\s+filter: none$/m);
    expect(JSON.parse((await tbpf({}, 'list', '--json')).out)).toEqual([
      { event: 'skb:kfree_skb', enabled: true, filter: 'none' },
    ]);

    r = await tbpf({ 'eth5.c': ETH5_C }, 'filter', 'skb:kfree_skb', '--file', 'eth5.c');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^bpf: eth5.c kprobe\/kfree_skb, \d+ insns, ctx=pt_regs, engine=\w+$/m);

    await tbpf({}, 'cat', 'trace_pipe'); // drop what was recorded before the filter
    r = await tbpf({}, 'pipe', '--count', '4', '--timeout', '10000');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    for (const l of lines)
      expect(l).toMatch(
        /^\s+\S+-\d+\s+\[000\] \.{5}\s+\d+\.\d{6}: kfree_skb: skbaddr=0x[0-9a-f]+ .* name=eth5 len=107$/,
      );

    r = await tbpf({}, 'map', 'counts');
    expect(r.code).toBe(0);
    const rows = r.out.trim().split('\n');
    expect(rows.map((l) => l.replace(/: \d+$/, ''))).toEqual(
      expect.arrayContaining(['@counts[1]', '@counts[7]', '@counts[8]']),
    );
    expect(rows).toHaveLength(8);
    expect((await tbpf({}, 'maps')).out).toBe('counts\n');
    expect(JSON.parse((await tbpf({}, 'map', 'counts', '--json')).out)).toHaveLength(8);
  });

  it("relocates a CO-RE filter written against another layout to the host's struct (CLI-compiled C)", async () => {
    // The filter's author had net_device's fields in another order; the host declared its own.
    const core = ETH5_C.replace(
      'struct net_device { char name[16]; int ifindex; unsigned int mtu; };',
      'struct net_device { unsigned int mtu; int ifindex; char name[16]; } __attribute__((preserve_access_index));',
    ).replaceAll('counts', 'core_counts');
    const r = await tbpf({ 'core.c': core }, 'filter', 'skb:kfree_skb', '--file', 'core.c');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(await nextDeviceNames(2)).toEqual(['eth5', 'eth5']);
    const keys = JSON.parse((await tbpf({}, 'map', 'core_counts', '--json')).out).map(
      (e: { key: number }) => e.key,
    );
    expect(keys.sort((a: number, b: number) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sets predicate filters and reports a syntax error with its column', async () => {
    let r = await tbpf({}, 'filter', 'skb:kfree_skb', 'name', '==', 'eth2');
    expect(r.code).toBe(0);
    expect(await nextDeviceNames(2)).toEqual(['eth2', 'eth2']);

    r = await tbpf({}, 'filter', 'skb:kfree_skb', 'nme == 1');
    expect(r.code).toBe(1);
    expect(r.err).toContain('nme == 1\n^\nparse_error: Field not found\n');
    expect((await tbpf({}, 'cat', 'events/skb/kfree_skb/filter')).out).toBe('name == eth2\n');
    expect((await tbpf({}, 'errors')).out).toContain('Field not found');
  });

  it('edits kprobe_events and traces the probed function', async () => {
    expect(
      (await tbpf({}, 'kprobe', 'add', 'p:net/alloc netdev_alloc_skb len=%si:u32 name=+0(%di):string')).code,
    ).toBe(0);
    expect((await tbpf({}, 'kprobe', 'list')).out).toBe(
      'p:net/alloc netdev_alloc_skb len=%si:u32 name=+0(%di):string\n',
    );
    await tbpf({}, 'disable', 'skb');
    await tbpf({}, 'enable', 'net:alloc');
    await tbpf({}, 'cat', 'trace_pipe');
    const r = await tbpf({}, 'pipe', '--count', '8', '--timeout', '10000');
    const got = r.out
      .trim()
      .split('\n')
      .map((l) => l.slice(l.indexOf(': ') + 2));
    expect(got).toContain('alloc: (netdev_alloc_skb+0x0) len=107 name="eth5"');
    const bad = await tbpf({}, 'kprobe', 'add', 'p:net/x netdev_alloc_skb a=%zz');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('Invalid register name');
    await tbpf({}, 'disable', 'net');
    expect((await tbpf({}, 'kprobe', 'remove', 'net:alloc')).code).toBe(0);
    expect((await tbpf({}, 'kprobe', 'list')).out).toBe('');
  });

  it('prints compiler diagnostics for a bad C file and the verifier log for a rejected program', async () => {
    let r = await tbpf(
      { 'bad.c': 'int f(struct pt_regs *ctx) { return nope; }\n' },
      'filter',
      'skb:kfree_skb',
      '--file',
      'bad.c',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^bad\.c:1:\d+: error: .*nope/m);
    r = await tbpf(
      { 'bad.s': 'r0 = *(u64 *)(r1 + 200)\nexit\n' },
      'filter',
      'skb:kfree_skb',
      '--file',
      'bad.s',
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^0: \(79\) r0 = \*\(u64 \*\)\(r1 \+200\)$/m);
    expect(r.err).toMatch(/tbpf: events\/skb\/kfree_skb\/filter: verifier rejected the program: insn 0: /);
  });

  it('fails cleanly without a reachable socket', async () => {
    const io = memoryIo();
    expect(await runCli(['node', 'tbpf', 'trace', '--socket', '/nonexistent/sock', 'list'], io)).toBe(2);
    expect(io.stderr).toMatch(/^tbpf: \/nonexistent\/sock: cannot connect: /);
  });
});
