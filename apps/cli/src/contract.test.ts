/**
 * The contract `tbpf --help` documents, checked on every command with good and bad input:
 * exit 0 on success, 1 for a negative answer, 2 for usage or input errors; an error is one
 * `tbpf: FILE[:LOCATION]: message` line on standard error (detail may follow; never a stack
 * trace or a class-name prefix); with --json, success is JSON on standard output and an error
 * is `{"error": {...}}` there, with nothing on standard error. (`conformance-plugin` speaks
 * bpf_conformance's plugin protocol instead, by design, except with --json.)
 */
import { describe, expect, it } from 'vitest';
import { memoryIo } from './io.js';
import { runCli } from './program.js';

/** 300 bytes that are no program: deterministic noise. */
const NOISE = (() => {
  const b = new Uint8Array(300);
  let s = 0x2545f491;
  for (let i = 0; i < b.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    b[i] = s & 0xff;
  }
  return b;
})();

const C_SOURCE = `#include <tbpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");
SEC("socket") int count(void *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&hits, &k); if (v) *v += 1; return 7; }
char LICENSE[] SEC("license") = "GPL";
`;
const ASM = 'mov %r0, 7\nexit\n';
const REJECTED = 'ldxw %r0, [%r1+0]\nexit\n';

/** Each command with a file argument: how to call it on FILE, and a good FILE for it. */
const COMMANDS: { name: string; args: (file: string) => string[]; good: Record<string, string> }[] = [
  { name: 'asm', args: (f) => ['asm', f, '-o', 'out.bin'], good: { 'p.s': ASM } },
  { name: 'disasm', args: (f) => ['disasm', f], good: { 'p.s': ASM } },
  { name: 'run', args: (f) => ['run', f], good: { 'p.s': ASM } },
  { name: 'verify', args: (f) => ['verify', f], good: { 'p.s': ASM } },
  { name: 'jited', args: (f) => ['jited', f], good: { 'p.s': ASM } },
  { name: 'cc', args: (f) => ['cc', f, '-o', 'out.o'], good: { 'p.c': C_SOURCE } },
  { name: 'btf dump', args: (f) => ['btf', 'dump', f], good: { 'p.c': C_SOURCE } },
];

async function tbpf(files: Record<string, Uint8Array | string>, ...args: string[]) {
  const io = memoryIo(files);
  const code = await runCli(['node', 'tbpf', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr, files: io.files };
}

/** An object file for commands that take one: `tbpf cc` of the good C source. */
async function objectFile(): Promise<Uint8Array> {
  const r = await tbpf({ 'p.c': C_SOURCE }, 'cc', 'p.c', '-o', 'p.o');
  return r.files['p.o'] as Uint8Array;
}

/** One `tbpf: …` line first; no stack frames, no `Error:`/`VmError:`-style prefixes anywhere. */
function expectOneErrorLine(stderr: string, file?: string) {
  expect(stderr).toMatch(/^tbpf: \S[^\n]*\n/);
  if (file) expect(stderr.split('\n')[0]).toMatch(new RegExp(`^tbpf: ${file.replace('.', '\\.')}[:]`));
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/\b[A-Z][A-Za-z]*Error: /);
}

describe.each(COMMANDS)('tbpf $name', ({ name, args, good }) => {
  const goodFile = Object.keys(good)[0];

  it('exits 0 on good input', async () => {
    const input = name === 'btf dump' ? { 'p.o': await objectFile() } : good;
    const file = name === 'btf dump' ? 'p.o' : goodFile;
    const r = await tbpf(input, ...args(file));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints JSON with --json', async () => {
    const input = name === 'btf dump' ? { 'p.o': await objectFile() } : good;
    const file = name === 'btf dump' ? 'p.o' : goodFile;
    const r = await tbpf(input, ...args(file), '--json');
    expect(r.code).toBe(0);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
  });

  it('a missing file: exit 2, one line naming it once', async () => {
    const r = await tbpf({}, ...args('nope.o'));
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('tbpf: nope.o: cannot read: no such file or directory\n');
  });

  it('300 bytes of noise: exit 2, one located line', async () => {
    const r = await tbpf({ 'noise.bin': NOISE }, ...args('noise.bin'));
    expect(r.code).toBe(2);
    expectOneErrorLine(r.stderr, 'noise.bin');
  });

  it('with --json, an error is {"error": {...}} on standard output', async () => {
    const r = await tbpf({ 'noise.bin': NOISE }, ...args('noise.bin'), '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ file: 'noise.bin', message: expect.any(String) });
  });

  it('an unknown option is a usage error', async () => {
    const r = await tbpf(good, ...args(goodFile), '--frobnicate');
    expect(r.code).toBe(2);
    expectOneErrorLine(r.stderr);
    // cc reads clang's command line with its own parser; the others name their --help.
    if (name !== 'cc')
      expect(r.stderr).toBe(`tbpf: unknown option '--frobnicate' (see 'tbpf ${name} --help')\n`);
  });
});

describe('negative answers exit 1', () => {
  it('verify and run: a program the verifier rejects', async () => {
    for (const cmd of ['verify', 'run']) {
      const r = await tbpf({ 'bad.s': REJECTED }, cmd, 'bad.s');
      expect(r.code, cmd).toBe(1);
    }
    const run = await tbpf({ 'bad.s': REJECTED }, 'run', 'bad.s');
    expectOneErrorLine(run.stderr, 'bad.s');
    const json = await tbpf({ 'bad.s': REJECTED }, 'run', 'bad.s', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).error).toMatchObject({ code: 'rejected', insn: 0, file: 'bad.s' });
  });

  it('run: a fault at run time (unverified)', async () => {
    const r = await tbpf({ 'bad.s': REJECTED }, 'run', 'bad.s', '--no-verify');
    expect(r.code).toBe(1);
    expectOneErrorLine(r.stderr, 'bad.s');
  });
});

describe('commands without a file argument', () => {
  it('opcodes: good, --json, a bad group', async () => {
    expect((await tbpf({}, 'opcodes')).code).toBe(0);
    expect(JSON.parse((await tbpf({}, 'opcodes', '--json')).stdout).length).toBeGreaterThan(100);
    const bad = await tbpf({}, 'opcodes', '--group', 'nope', '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.message).toMatch(/unknown group 'nope'/);
  });

  it('trace: no reachable host is an error in the one format, --json on every subcommand', async () => {
    const r = await tbpf({}, 'trace', '--socket', '/nonexistent/sock', 'show');
    expect(r.code).toBe(2);
    expectOneErrorLine(r.stderr, '/nonexistent/sock');
    const j = await tbpf({}, 'trace', '--socket', '/nonexistent/sock', 'kprobe', 'list', '--json');
    expect(j.code).toBe(2);
    expect(JSON.parse(j.stdout).error.code).toBe('connect');
  });
});

describe('conformance-plugin --json', () => {
  it('r0 as JSON, a fault as {"error": {...}} with exit 1', async () => {
    const ok = memoryIo({}, 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00\n');
    expect(await runCli(['node', 'tbpf', 'conformance-plugin', '--json'], ok)).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ r0: '0x2a' });
    const bad = memoryIo({}, '61 10 00 00 00 00 00 00 95 00 00 00 00 00 00 00\n');
    expect(await runCli(['node', 'tbpf', 'conformance-plugin', '--json'], bad)).toBe(1);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'out-of-bounds', insn: 0 });
  });
});

describe("'-' is standard input", () => {
  it.each(['disasm', 'run', 'verify', 'jited'])('%s -', async (cmd) => {
    const io = memoryIo({}, ASM);
    expect(await runCli(['node', 'tbpf', cmd, '-'], io)).toBe(0);
  });
});
