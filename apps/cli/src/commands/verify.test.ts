import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const argv = (...a: string[]) => ['node', 'tbpf', ...a];

/** Compile one of the verifier's C corpus programs with clang-19. */
function compile(rel: string): Uint8Array {
  const src = path.resolve(__dirname, '../../../../packages/verifier/test-corpus', rel);
  const obj = path.join(mkdtempSync(path.join(tmpdir(), 'tbpf-verify-')), 'prog.o');
  execFileSync('clang-19', ['-O2', '-g', '-target', 'bpf', '-c', src, '-o', obj]);
  return new Uint8Array(readFileSync(obj));
}

describe('tbpf verify', () => {
  it('accepts a safe program (exit 0) and prints the statistics line', async () => {
    const io = memoryIo({ 'ok.s': 'r0 = *(u32 *)(r1 + 4)\nexit\n' });
    expect(await runCli(argv('verify', 'ok.s', '--mem-size', '8'), io)).toBe(0);
    expect(io.stdout).toMatch(/processed 2 insns \(limit 1000000\)/);
    expect(io.stdout).toContain('ok.s: accepted');
  });

  it('rejects an unsafe program (exit 1) with the kernel-style reason', async () => {
    // Privileged (the default) an uninitialised stack read is allowed, as in Linux.
    const io = memoryIo({ 'bad.s': 'r0 = *(u64 *)(r10 - 8)\nexit\n' });
    expect(await runCli(argv('verify', 'bad.s', '--unprivileged'), io)).toBe(1);
    expect(io.stdout).toContain('invalid read from stack off -8+0 size 8');
  });

  it('checks the memory size of the raw type', async () => {
    const io = memoryIo({ 'p.s': 'r0 = *(u32 *)(r1 + 4)\nexit\n' });
    expect(await runCli(argv('verify', 'p.s', '--mem-size', '6'), io)).toBe(1);
    expect(io.stdout).toContain('invalid access to memory, mem_size=6 off=4 size=4');
  });

  it('prints every instruction with register state at --log-level 2', async () => {
    const io = memoryIo({ 'p.s': 'r0 = 0\nexit\n' });
    expect(await runCli(argv('verify', 'p.s', '--log-level', '2'), io)).toBe(0);
    expect(io.stdout).toMatch(/^0: \(b7\) r0 = 0 +; R0_w=0$/m);
    expect(io.stdout).toMatch(/^1: \(95\) exit$/m);
  });

  it('rejects loops with --strict-rfc', async () => {
    const io = memoryIo({ 'l.s': 'r0 = 0\nl:\nr0 += 1\nif r0 < 4 goto l\nexit\n' });
    expect(await runCli(argv('verify', 'l.s'), io)).toBe(0);
    const strict = memoryIo({ 'l.s': 'r0 = 0\nl:\nr0 += 1\nif r0 < 4 goto l\nexit\n' });
    expect(await runCli(argv('verify', 'l.s', '--strict-rfc'), strict)).toBe(1);
    expect(strict.stdout).toContain('back-edge from insn 2 to 1');
  });

  it('applies the unprivileged checks with --unprivileged', async () => {
    const prog = 'r1 = r10\nr0 = 0\nif r1 > 1000 goto +0\nexit\n';
    expect(await runCli(argv('verify', 'p.s'), memoryIo({ 'p.s': prog }))).toBe(0);
    const io = memoryIo({ 'p.s': prog });
    expect(await runCli(argv('verify', 'p.s', '--unprivileged'), io)).toBe(1);
    expect(io.stdout).toContain('R1 pointer comparison prohibited');
  });

  it('uses the kprobe context layout with --type kprobe and reports JSON', async () => {
    const io = memoryIo({ 'k.s': 'r0 = *(u64 *)(r1 + 168)\nexit\n' });
    expect(await runCli(argv('verify', 'k.s', '--type', 'kprobe', '--json'), io)).toBe(1);
    const out = JSON.parse(io.stdout);
    expect(out.accepted).toBe(false);
    expect(out.error).toEqual({ insnIndex: 0, reason: 'invalid bpf_context access off=168 size=8' });
  });

  it.skipIf(!haveTool('clang-19'))(
    'verifies an ELF object: maps and the kprobe type from its section, the source line of an error',
    async () => {
      const ok = memoryIo({ 'ok.o': compile('c/ringbuf.c') });
      expect(await runCli(argv('verify', 'ok.o'), ok)).toBe(0);
      expect(ok.stdout).toBe('kprobe/do_event/emit: accepted\n');
      const bad = memoryIo({ 'bad.o': compile('c-unsafe/missing_null_check.c') });
      expect(await runCli(argv('verify', 'bad.o'), bad)).toBe(1);
      expect(bad.stdout).toMatch(
        /^kprobe\/do_work\/peek: rejected: R0 invalid mem access 'map_value_or_null' \(insn \d+, .*missing_null_check\.c:\d+: return \*count;\)\n$/,
      );
      const one = memoryIo({ 'bad.o': compile('c-unsafe/missing_null_check.c') });
      expect(await runCli(argv('verify', 'bad.o', '--section', 'peek'), one)).toBe(1);
      expect(one.stdout).toMatch(
        /bad\.o: rejected at insn \d+ .*: R0 invalid mem access 'map_value_or_null'/,
      );
    },
  );

  it("verifies every program of an object, each with its section's type; --json is an array", async () => {
    const text = `.section xdp,"ax"
.globl pass
pass:
r0 = 2
exit
.section socket1,"ax"
.globl bad
bad:
r0 = *(u32 *)(r1 + 76)
exit
.section tc,"ax"
.globl tc_ok
tc_ok:
r2 = *(u32 *)(r1 + 76)
r0 = 0
exit
`;
    const io = memoryIo({ 'multi.s': text });
    expect(await runCli(argv('verify', 'multi.s'), io)).toBe(1);
    expect(io.stdout).toBe(
      'xdp/pass: accepted\nsocket1/bad: rejected: invalid bpf_context access off=76 size=4 (insn 0)\ntc/tc_ok: accepted\n',
    );
    const json = memoryIo({ 'multi.s': text });
    expect(await runCli(argv('verify', 'multi.s', '--json'), json)).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([
      { section: 'xdp', function: 'pass', type: 'xdp', verdict: 'accepted', processed: 2 },
      {
        section: 'socket1',
        function: 'bad',
        type: 'socket_filter',
        verdict: 'rejected',
        processed: 1,
        error: 'invalid bpf_context access off=76 size=4',
        insn: 0,
      },
      { section: 'tc', function: 'tc_ok', type: 'sched_cls', verdict: 'accepted', processed: 3 },
    ]);
  });

  it('exits 2 on unreadable input', async () => {
    const io = memoryIo({ 'x.s': 'this is not bpf\n' });
    expect(await runCli(argv('verify', 'x.s'), io)).toBe(2);
    expect(await runCli(argv('verify', 'missing.s'), memoryIo())).toBe(2);
    expect(await runCli(argv('verify', 'x.s', '--type', 'nope'), memoryIo({ 'x.s': 'r0 = 0\nexit\n' }))).toBe(
      2,
    );
  });
});
