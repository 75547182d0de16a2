import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { SANDBOX_ESCAPES } from '@tbpf/vm/testing';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const argv = (...args: string[]) => ['node', 'tbpf', ...args];

describe('tbpf run', () => {
  it('runs asm text and prints r0 in hex', async () => {
    const io = memoryIo({ 'p.s': 'mov %r0, 0x2a\nexit\n' });
    expect(await runCli(argv('run', 'p.s'), io)).toBe(0);
    expect(io.stdout).toBe('0x2a\n');
  });

  it('passes --mem in r1 and its length in r2', async () => {
    const io = memoryIo({ 'p.s': 'ldxb %r0, [%r1+2]\nadd %r0, %r2\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--mem', '00 01 40 03'), io)).toBe(0);
    expect(io.stdout).toBe('0x44\n');
  });

  it('reads memory from --mem-file and runs raw instruction bytes', async () => {
    // ldxh r0, [r1+0]; exit
    const raw = Uint8Array.from([0x69, 0x10, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]);
    const io = memoryIo({ 'p.bin': raw, 'm.bin': Uint8Array.from([0x34, 0x12]) });
    expect(await runCli(argv('run', 'p.bin', '--mem-file', 'm.bin'), io)).toBe(0);
    expect(io.stdout).toBe('0x1234\n');
  });

  it('reports --repeat timing and --json fields', async () => {
    const io = memoryIo({ 'p.s': 'mov %r0, -1\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--repeat', '100', '--json', '--engine', 'interp'), io)).toBe(0);
    const out = JSON.parse(io.stdout);
    expect(out).toMatchObject({
      r0: '0xffffffffffffffff',
      r0Signed: '-1',
      engine: 'interp',
      runs: 100,
      instructions: 2,
      // 99 runs through runFast: 9 to warm up, then 10 timed batches of 9; the last through run().
      timing: { batches: 10, batchRuns: 9, warmupRuns: 9 },
    });
    expect(out.timing.nsPerRun).toBeGreaterThanOrEqual(0);
    const text = memoryIo({ 'p.s': 'mov %r0, 1\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--repeat', '12', '--engine', 'interp'), text)).toBe(0);
    expect(text.stdout).toMatch(
      /^0x1\nduration: \d+\.\d ns CPU per run \(interp, runFast; median of 10 batches of 1 after 1 warm-up runs\)\n$/,
    );
    const few = memoryIo({ 'p.s': 'mov %r0, 1\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--repeat', '11', '--engine', 'interp'), few)).toBe(0);
    expect(few.stdout).toBe('0x1\n11 runs (time them with --repeat 12 or more)\n');
    // auto picks WebAssembly, which does not count instructions: no count rather than -1.
    const auto = memoryIo({ 'p.s': 'mov %r0, 1\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--json'), auto)).toBe(0);
    const out2 = JSON.parse(auto.stdout);
    expect(out2).toMatchObject({ engine: 'wasm', fallbacks: [], verified: true });
    expect(out2).not.toHaveProperty('instructions');
  });

  it('prints trace_printk lines on stderr', async () => {
    // "hi %d\n\0" on the stack, then trace_printk(fmt, 8, 7)
    const src = [
      'stw [%r10-8], 0x25206968',
      'stw [%r10-4], 0x000a64',
      'mov %r1, %r10',
      'add %r1, -8',
      'mov %r2, 8',
      'mov %r3, 7',
      'call 6',
      'exit',
    ].join('\n');
    const io = memoryIo({ 'p.s': src });
    expect(await runCli(argv('run', 'p.s'), io)).toBe(0);
    expect(io.stderr).toBe('hi 7\n');
    expect(io.stdout).toBe('0x5\n');
  });

  it('verifies before running: a rejection exits 1 with the verifier log', async () => {
    const io = memoryIo({ 'p.s': 'ldxw %r0, [%r1+0]\nexit\n' });
    expect(await runCli(argv('run', 'p.s'), io)).toBe(1);
    expect(io.stderr).toMatch(/^tbpf: p\.s:insn 0: program p: R1 invalid mem access 'scalar'\n/);
    expect(io.stderr).toMatch(/processed \d+ insns/);
    for (const engine of ['jit', 'wasm', 'interp']) {
      const e = memoryIo({ 'p.s': 'ldxw %r0, [%r1+0]\nexit\n' });
      expect(await runCli(argv('run', 'p.s', '--engine', engine), e)).toBe(1);
    }
  });

  it('--no-verify runs on the checked interpreter and fails with the pc on a fault', async () => {
    const io = memoryIo({ 'p.s': 'ldxw %r0, [%r1+0]\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--no-verify'), io)).toBe(1);
    expect(io.stderr).toMatch(
      /^tbpf: p\.s:insn 0: invalid read of 4 bytes at 0x0: is outside every memory region\n {2}0: r0 = \*\(u32 \*\)\(r1 \+ 0x0\)\n$/,
    );
    const bad = memoryIo({ 'p.s': 'mov %r0, 0\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--engine', 'nope'), bad)).toBe(2);
    expect(bad.stderr).toContain("unknown engine 'nope'");
  });

  it.each([
    'jit',
    'wasm',
    'interp',
  ])('--engine %s --no-verify: a program leaving the sandbox ends in a typed fault with its pc (exit 1), never a crash', async (engine) => {
    // The CLI's memory is 16 MiB, not the escapes' 1 MiB; assembly with a local function is not
    // an object the CLI can open.
    const escapes = SANDBOX_ESCAPES.filter(([what]) => !/memory end|BPF-to-BPF/.test(what));
    expect(escapes.length).toBeGreaterThan(12);
    for (const [what, src, pc] of escapes) {
      const io = memoryIo({ 'p.s': `${src}\n` });
      expect(await runCli(argv('run', 'p.s', '--engine', engine, '--no-verify'), io), what).toBe(1);
      expect(io.stderr, what).toMatch(new RegExp(`^tbpf: p\\.s:insn ${pc}: invalid `));
    }
  });

  it('--maps prints the maps after the run, decoded from BTF (--json: 64-bit values as strings)', async () => {
    const src = [
      '#include <tbpf/bpf_helpers.h>',
      'struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");',
      'SEC("socket") int count(void *ctx) { __u32 k = 1; __u64 *v = bpf_map_lookup_elem(&hits, &k); if (v) *v += 5; return 0; }',
    ].join('\n');
    const io = memoryIo({ 'c.c': src });
    expect(await runCli(argv('run', 'c.c', '--maps'), io)).toBe(0);
    expect(io.stdout).toBe('0x0\nmap hits (array, 2 entries)\n  0: 0\n  1: 5\n');
    const json = memoryIo({ 'c.c': src });
    expect(await runCli(argv('run', 'c.c', '--maps', '--json'), json)).toBe(0);
    expect(JSON.parse(json.stdout).maps).toEqual({
      hits: [
        { key: 0, value: '0' },
        { key: 1, value: '5' },
      ],
    });
    // --repeat runs exactly N times, timed or not (warm-up runs are among the N).
    for (const [engine, n] of [
      ['interp', 5],
      ['wasm', 23],
      ['jit', 23],
    ] as const) {
      const rep = memoryIo({ 'c.c': src });
      expect(await runCli(argv('run', 'c.c', '--maps', '--repeat', String(n), '--engine', engine), rep)).toBe(
        0,
      );
      expect(rep.stdout, engine).toContain(`  1: ${5 * n}\n`);
    }
  });

  it('--packet runs a packet program on that packet as BPF_PROG_TEST_RUN does: retval, data_out, redirect', async () => {
    // XDP: r0 = data_end - data (the packet's length), through the rewritten context loads.
    const len = 'ldxw %r2, [%r1+4]\nldxw %r1, [%r1+0]\nmov %r0, %r2\nsub %r0, %r1\nexit\n';
    const io = memoryIo({ 'p.s': len });
    expect(await runCli(argv('run', 'p.s', '--type', 'xdp', '--packet', '00'.repeat(60)), io)).toBe(0);
    expect(io.stdout).toBe(`0x3c\nretval: 60\npacket: ${'00'.repeat(60)} (60 bytes)\n`);
    const src = [
      '#include <tbpf/bpf_helpers.h>',
      'static long (*bpf_xdp_adjust_head)(void *ctx, int delta) = (void *)44;',
      'static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)23;',
      'struct xdp_md { __u32 data, data_end; };',
      'SEC("xdp") int pop(struct xdp_md *ctx) { if (bpf_xdp_adjust_head(ctx, 14) < 0) return 1; return bpf_redirect(3, 0); }',
    ].join('\n');
    const frame = `${'ff'.repeat(12)}0800${'45'.repeat(20)}`;
    const c = memoryIo({ 'x.c': src });
    expect(await runCli(argv('run', 'x.c', '--packet', frame, '--packet-out', 'out.bin'), c)).toBe(0);
    expect(c.stdout).toBe(
      `0x4\nretval: 4\npacket: ${'45'.repeat(20)} (20 bytes)\nredirect: {"helper":"redirect","ifindex":3,"flags":0}\n`,
    );
    expect(c.files['out.bin']).toEqual(new Uint8Array(20).fill(0x45));
    const json = memoryIo({ 'x.c': src });
    expect(await runCli(argv('run', 'x.c', '--packet', frame, '--json', '--engine', 'interp'), json)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      r0: '0x4',
      packet: { retval: 4, data: '45'.repeat(20), redirect: { helper: 'redirect', ifindex: 3 } },
    });
    // A packet the kernel would refuse (shorter than an Ethernet header) is an error, exit 1.
    const short = memoryIo({ 'x.c': src });
    expect(await runCli(argv('run', 'x.c', '--packet', 'ff'.repeat(13)), short)).toBe(1);
    expect(short.stderr).toMatch(/EINVAL/);
    const notPacket = memoryIo({ 'p.s': 'mov %r0, 0\nexit\n' });
    expect(await runCli(argv('run', 'p.s', '--packet', '00'), notPacket)).toBe(2);
    expect(notPacket.stderr).toContain('does not run on packets');
  });

  it('rejects bad input with a location', async () => {
    const io = memoryIo({ 'p.s': 'mov %r0, 1\nfrob %r1\n' });
    expect(await runCli(argv('run', 'p.s'), io)).toBe(2);
    expect(io.stderr).toMatch(/p\.s.*2/);
    const bad = memoryIo({ 'p.s': 'exit\n' });
    expect(await runCli(argv('run', 'p.s', '--mem', 'xyz'), bad)).toBe(2);
    expect(bad.stderr).toContain('--mem: expected hex bytes');
  });

  const haveClang = haveTool('clang-19');

  it.skipIf(!haveClang)(
    'runs a clang-19 ELF object with global data (.data writable, .rodata read-only)',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-run-'));
      const src = [
        '#define SEC(n) __attribute__((section(n), used))',
        'const volatile int k = 10;',
        'int counter = 5;',
        'SEC("socket") int prog(void *ctx) { counter += 2; return counter + k; }',
        'SEC("socket/bad") int bad(void *ctx) { *(volatile int *)&k = 1; return 0; }',
      ].join('\n');
      writeFileSync(path.join(dir, 'g.c'), src);
      execFileSync('clang-19', ['-O2', '-target', 'bpf', '-c', 'g.c', '-o', 'g.o'], { cwd: dir });
      const obj = readFileSync(path.join(dir, 'g.o'));
      const io = memoryIo({ 'g.o': obj });
      expect(await runCli(argv('run', 'g.o', '--section', 'socket'), io)).toBe(0);
      expect(io.stdout).toBe('0x11\n');
      const bad = memoryIo({ 'g.o': obj });
      expect(await runCli(argv('run', 'g.o', '--section', 'socket/bad'), bad)).toBe(1);
      expect(bad.stderr).toMatch(/^tbpf: g\.o:insn \d+: program bad: write into map forbidden/);
      const none = memoryIo({ 'g.o': obj });
      expect(await runCli(argv('run', 'g.o', '--section', 'xdp'), none)).toBe(2);
      expect(none.stderr).toBe(
        "tbpf: g.o: no program or section 'xdp' (programs: prog (socket), bad (socket/bad))\n",
      );
    },
  );
});
