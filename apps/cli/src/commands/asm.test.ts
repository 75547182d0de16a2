import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assemble, readObject } from '@tbpf/asm';
import { encode } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const corpus = path.resolve(__dirname, '../../../../packages/asm/test-corpus/text');
const progS = readFileSync(path.join(corpus, 'prog.s'), 'utf8');
const filter = readFileSync(path.join(corpus, 'filter.ubpf'), 'utf8');
const haveLlvm = haveTool('llvm-objdump-19');

describe('tbpf asm', () => {
  it('assembles ubpf syntax to raw little-endian instruction bytes', async () => {
    const io = memoryIo({ 'filter.ubpf': filter });
    expect(await runCli(['node', 'tbpf', 'asm', 'filter.ubpf'], io)).toBe(0);
    const bytes = io.files['filter.bin'] as Uint8Array;
    expect(bytes).toEqual(encode(assemble(filter, { syntax: 'ubpf' }).insns));
    expect(bytes.length).toBe(7 * 8);
    expect(io.stdout).toBe('filter.bin: 7 instructions, 56 bytes (ubpf syntax, raw)\n');
  });

  it('writes where -o says and honours --syntax', async () => {
    const io = memoryIo({ 'x.txt': 'r0 = 1\nexit\n' });
    expect(await runCli(['node', 'tbpf', 'asm', 'x.txt', '-o', 'out/x', '--syntax', 'llvm'], io)).toBe(0);
    expect(Buffer.from(io.files['out/x'] as Uint8Array).toString('hex')).toBe(
      'b7000000010000009500000000000000',
    );
  });

  it('reports errors as file:line:col with the line and a caret, exit 2', async () => {
    const io = memoryIo({ 'bad.s': 'mov %r0, 1\n\tmov %r0, %x1\n' });
    expect(await runCli(['node', 'tbpf', 'asm', 'bad.s'], io)).toBe(2);
    expect(io.stderr).toBe(
      "tbpf: bad.s:2:11: expected a register (%r0-%r10) or an immediate, found '%x1'\n\tmov %r0, %x1\n\t         ^\n",
    );
  });

  it('refuses raw output for several sections or unresolved symbols, naming them', async () => {
    const io = memoryIo({ 'prog.s': progS });
    expect(await runCli(['node', 'tbpf', 'asm', 'prog.s'], io)).toBe(2);
    expect(io.stderr).toMatch(
      /^tbpf: prog\.s: raw output holds one section and the input has 2 \(\.text, kprobe\/sys_write\)/,
    );
    const io2 = memoryIo({ 'prog.s': progS });
    expect(await runCli(['node', 'tbpf', 'asm', 'prog.s', '--section', '.text'], io2)).toBe(2);
    expect(io2.stderr).toMatch(
      /^tbpf: prog\.s: raw output cannot refer to symbols defined elsewhere: 'counters' \(instruction 1\)/,
    );
    const io3 = memoryIo({ 'prog.s': progS });
    expect(
      await runCli(['node', 'tbpf', 'asm', 'prog.s', '--section', 'kprobe/sys_write', '-o', 'k.bin'], io3),
    ).toBe(0);
  });

  it('writes data sections as they are: license, global data with its variables, addresses in data', async () => {
    const text = '\t.text\n\texit\n\t.section license,"aw",@progbits\n_license:\n\t.asciz "GPL"\n';
    const io = memoryIo({
      'l.s': text,
      'd.s': `${text}\t.data\n\t.globl x\n\t.type x,@object\nx:\n\t.quad 7\n\t.size x, 8\np:\n\t.quad x+8\n`,
    });
    expect(await runCli(['node', 'tbpf', 'asm', 'l.s', '--format', 'elf'], io)).toBe(0);
    expect(readObject(io.files['l.o'] as Uint8Array).license).toBe('GPL');
    expect(await runCli(['node', 'tbpf', 'asm', 'd.s', '--format', 'elf'], io)).toBe(0);
    const obj = readObject(io.files['d.o'] as Uint8Array);
    const data = obj.maps.find((m) => m.name === '.data');
    expect(data?.variables).toEqual([{ name: 'x', offset: 0, size: 8, global: true }]);
    expect([...(data?.initialData ?? [])]).toEqual([7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0]);
    // A pointer in data is kept (as a relocation), and reported unsupported for loading.
    expect(obj.unsupported.map((u) => u.feature)).toEqual(['data-relocation']);
    const twice = memoryIo({ 'l.s': text });
    expect(await runCli(['node', 'tbpf', 'asm', 'l.s', '--format', 'elf', '--license', 'MIT'], twice)).toBe(
      2,
    );
    expect(twice.stderr).toBe('tbpf: l.s:section license: the text has a license section already\n');
  });

  it('reads standard input with -', async () => {
    const io = memoryIo({}, 'mov %r0, 7\nexit\n');
    expect(await runCli(['node', 'tbpf', 'asm', '-', '-o', 'x.bin'], io)).toBe(0);
    expect(Buffer.from(io.files['x.bin'] as Uint8Array).toString('hex')).toBe(
      'b7000000070000009500000000000000',
    );
    expect(await runCli(['node', 'tbpf', 'asm', '-'], memoryIo({}, 'exit'))).toBe(2);
  });

  it('rejects unknown --syntax and --format values', async () => {
    const io = memoryIo({ 'x.s': 'exit' });
    expect(await runCli(['node', 'tbpf', 'asm', 'x.s', '--format', 'hex'], io)).toBe(2);
    expect(io.stderr).toContain('--format must be raw or elf');
  });

  it('writes an ELF object that our disassembler reads back to the same instructions', async () => {
    const io = memoryIo({ 'prog.s': progS });
    expect(await runCli(['node', 'tbpf', 'asm', 'prog.s', '--format', 'elf', '--license', 'GPL'], io)).toBe(
      0,
    );
    expect(io.stdout).toContain('prog.o: 19 instructions');
    const io2 = memoryIo({ 'prog.o': io.files['prog.o'] as Uint8Array });
    expect(await runCli(['node', 'tbpf', 'disasm', 'prog.o', '--json'], io2)).toBe(0);
    const listed = JSON.parse(io2.stdout) as { section: string; insn: unknown }[];
    const program = assemble(progS);
    for (const section of program.sections) {
      expect(listed.filter((e) => e.section === section.name).map((e) => e.insn)).toEqual(section.insns);
    }
  });

  it('asm → ELF → disasm --style asm → asm gives the same object', async () => {
    const io = memoryIo({ 'prog.s': progS });
    await runCli(['node', 'tbpf', 'asm', 'prog.s', '--format', 'elf', '-o', 'a.o'], io);
    io.stdout = '';
    expect(await runCli(['node', 'tbpf', 'disasm', 'a.o', '--style', 'asm'], io)).toBe(0);
    io.files['again.s'] = io.stdout;
    expect(io.stdout).toContain('\tcall add_one\n');
    const rc = await runCli(['node', 'tbpf', 'asm', 'again.s', '--format', 'elf', '-o', 'b.o'], io);
    expect(io.stderr).toBe('');
    expect(rc).toBe(0);
    expect(io.files['b.o']).toEqual(io.files['a.o']);
  });

  it.skipIf(!haveLlvm)(
    'its ELF objects disassemble in llvm-objdump-19 exactly like llvm-mc-19 objects',
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-cli-asm-'));
      const io = memoryIo({ 'prog.s': progS });
      await runCli(['node', 'tbpf', 'asm', 'prog.s', '--format', 'elf'], io);
      writeFileSync(path.join(dir, 'ours.o'), io.files['prog.o'] as Uint8Array);
      writeFileSync(path.join(dir, 'prog.s'), progS);
      execFileSync(
        'llvm-mc-19',
        ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', 'prog.s', '-o', 'theirs.o'],
        { cwd: dir },
      );
      const listing = (f: string) =>
        execFileSync('llvm-objdump-19', ['-dr', f], { cwd: dir, encoding: 'utf8' })
          .split('\n')
          .slice(2)
          .map((l) => l.trim().replace(/\s+/g, ' '));
      expect(listing('ours.o')).toEqual(listing('theirs.o'));
    },
  );
});
