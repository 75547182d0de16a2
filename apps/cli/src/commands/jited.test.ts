import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const argv = (...args: string[]) => ['node', 'tbpf', ...args];

describe('tbpf jited', () => {
  it('lists the x86-64 code under each BPF instruction', async () => {
    const io = memoryIo({ 'p.s': 'mov %r0, 7\nldxw %r1, [%r1+4]\nexit\n' });
    expect(await runCli(argv('jited', 'p.s'), io)).toBe(0);
    expect(io.stdout).toContain('; prologue');
    expect(io.stdout).toMatch(/; 0: r0 = (0x)?7\n/);
    expect(io.stdout).toMatch(/; 1: r1 = \*\(u32 \*\)\(r1 \+ 0x4\)|; 1: r1 = \*\(u32 \*\)\(r1 \+ 4\)/);
    expect(io.stdout).toMatch(/bytes, 1 pass(\n| \()/); // one emission pass: the size bounds held
    if (!io.stdout.includes('install objdump')) expect(io.stdout).toContain('mov eax,0x7');
  });

  it('reports what it cannot compile', async () => {
    const io = memoryIo({ 'p.s': 'ldabsw 0\nexit\n' });
    expect(await runCli(argv('jited', 'p.s'), io)).toBe(2);
    expect(io.stderr).toMatch(/legacy packet loads/);
  });

  it('is what disasm --jited prints', async () => {
    const files = { 'p.s': 'mov %r0, 7\nexit\n' };
    const jited = memoryIo({ ...files });
    const disasm = memoryIo({ ...files });
    expect(await runCli(argv('jited', 'p.s'), jited)).toBe(0);
    expect(await runCli(argv('disasm', '--jited', 'p.s'), disasm)).toBe(0);
    expect(disasm.stdout).toBe(jited.stdout);
    expect(disasm.stdout).toContain('; prologue');
  });
});
