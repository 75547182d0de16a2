import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assemble } from '@tbpf/asm';
import { compile } from '@tbpf/cc-frontend';
import { encode } from '@tbpf/isa';
import { haveTool } from '@tbpf/isa/testing/tools';
import { openObject } from '@tbpf/object';
import { describe, expect, it } from 'vitest';
import { memoryIo } from '../io.js';
import { runCli } from '../program.js';

const corpus = path.resolve(__dirname, '../../../../packages/asm/test-corpus/text');
const progS = readFileSync(path.join(corpus, 'prog.s'), 'utf8');
const haveLlvm = haveTool('llvm-mc-19') && haveTool('llvm-objdump-19');

const filterBytes = encode(
  assemble('ldxb %r3, [%r1+16]\njne %r3, 0x65, out\nlddw %r1, 0x100000000\ncall 1\nout:\nexit\n').insns,
);

describe('tbpf disasm', () => {
  it('lists raw instruction bytes in llvm-objdump style', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    expect(await runCli(['node', 'tbpf', 'disasm', 'p.bin'], io)).toBe(0);
    expect(io.stdout).toBe(
      [
        '',
        'Disassembly of section .text:',
        '',
        '0000000000000000 <.text>:',
        '       0:\tr3 = *(u8 *)(r1 + 0x10)',
        '       1:\tif r3 != 0x65 goto +0x3 <.text+0x28>',
        '       2:\tr1 = 0x100000000 ll',
        '       4:\tcall 0x1',
        '       5:\texit',
        '',
      ].join('\n'),
    );
  });

  it('shows raw bytes on request', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    await runCli(['node', 'tbpf', 'disasm', 'p.bin', '--raw-bytes'], io);
    expect(io.stdout).toContain(
      '       2:\t18 01 00 00 00 00 00 00 00 00 00 00 01 00 00 00\tr1 = 0x100000000 ll\n',
    );
  });

  it('prints the kernel xlated style with helper names', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    await runCli(['node', 'tbpf', 'disasm', 'p.bin', '--style', 'kernel'], io);
    expect(io.stdout).toBe(
      [
        '   0: (71) r3 = *(u8 *)(r1 +16)',
        '   1: (55) if r3 != 0x65 goto pc+3',
        '   2: (18) r1 = 0x100000000',
        '   4: (85) call bpf_map_lookup_elem#1',
        '   5: (95) exit',
        '',
      ].join('\n'),
    );
  });

  it('prints the ubpf syntax, which tbpf asm reads back', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    await runCli(['node', 'tbpf', 'disasm', 'p.bin', '--style', 'ubpf'], io);
    expect(io.stdout).toBe(
      '# section .text\nldxb %r3, [%r1+16]\njne %r3, 101, +3\nlddw %r1, 0x100000000\ncall 1\nexit\n',
    );
    io.files['p.ubpf'] = io.stdout;
    expect(await runCli(['node', 'tbpf', 'asm', 'p.ubpf', '-o', 'q.bin'], io)).toBe(0);
    expect(io.files['q.bin']).toEqual(filterBytes);
  });

  it('gives JSON for tools', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    await runCli(['node', 'tbpf', 'disasm', 'p.bin', '--json'], io);
    const entries = JSON.parse(io.stdout);
    expect(entries).toHaveLength(5);
    expect(entries[1]).toMatchObject({
      section: '.text',
      index: 1,
      offset: 8,
      target: 5,
      text: 'if r3 != 0x65 goto +0x3',
    });
    expect(entries[2].insn).toEqual({ kind: 'lddw', source: 'imm64', dst: 1, imm: 0, imm2: 1 });
  });

  it('refuses bytes that do not decode (an input error, exit 2) naming their offset', async () => {
    const io = memoryIo({
      'junk.bin': new Uint8Array([0x95, 0, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0]),
    });
    expect(await runCli(['node', 'tbpf', 'disasm', 'junk.bin'], io)).toBe(2);
    expect(io.stdout).toBe('');
    expect(io.stderr).toBe(
      'tbpf: junk.bin:offset 0x8: unknown opcode 0xff (bytes ff 00 00 00 00 00 00 00)\n',
    );
  });

  it('reports a missing section by name', async () => {
    const io = memoryIo({ 'p.bin': filterBytes });
    expect(await runCli(['node', 'tbpf', 'disasm', 'p.bin', '--section', 'xdp'], io)).toBe(2);
    expect(io.stderr).toBe("tbpf: p.bin: no code section 'xdp' (code sections: .text)\n");
  });

  it('translates and lists an RFC "bpf\\0" image', async () => {
    const { filterEx1Image } = await import('@tbpf/asm');
    const io = memoryIo({ 'filter_ex1.bpf': filterEx1Image() });
    expect(await runCli(['node', 'tbpf', 'disasm', 'filter_ex1.bpf', '--style', 'kernel'], io)).toBe(0);
    expect(io.stdout).toMatch(/\(85\) call /);
    expect(io.stdout.trimEnd().split('\n').at(-1)).toMatch(/\(95\) exit$/);
  });

  describe.skipIf(!haveLlvm)('against llvm-objdump-19', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-cli-disasm-'));
    writeFileSync(path.join(dir, 'prog.s'), progS);
    execFileSync('llvm-mc-19', ['-triple', 'bpfel', '-mcpu=v4', '-filetype=obj', 'prog.s', '-o', 'prog.o'], {
      cwd: dir,
    });
    const object = new Uint8Array(readFileSync(path.join(dir, 'prog.o')));
    const objdump = (args: string[]) =>
      execFileSync('llvm-objdump-19', [...args, 'prog.o'], { cwd: dir, encoding: 'utf8' });

    it('--json names relocations and labels', async () => {
      const io = memoryIo({ 'prog.o': object });
      await runCli(['node', 'tbpf', 'disasm', 'prog.o', '--json'], io);
      const entries = JSON.parse(io.stdout);
      expect(entries[1]).toMatchObject({
        section: '.text',
        index: 1,
        relocations: [{ type: 'R_BPF_64_64', symbol: 'counters' }],
      });
      expect(entries[0].labels).toEqual(['count_writes']);
    });

    for (const [ours, theirs] of [
      [['--raw-bytes'], ['-d']],
      [[], ['-d', '--no-show-raw-insn']],
      [['--raw-bytes', '-r'], ['-dr']],
      [
        ['--raw-bytes', '--section', 'kprobe/sys_write'],
        ['-d', '--section=kprobe/sys_write'],
      ],
    ]) {
      it(`tbpf disasm ${ours.join(' ')} prints exactly llvm-objdump ${theirs.join(' ')}`, async () => {
        const io = memoryIo({ 'prog.o': object });
        expect(await runCli(['node', 'tbpf', 'disasm', 'prog.o', ...ours], io)).toBe(0);
        expect(io.stdout).toBe(objdump(theirs));
      });
    }
  });
});

describe('tbpf disasm --style kernel of an object', () => {
  it('names maps as bpftool does for a loaded program, with the ids the object API gives them', async () => {
    const source = readFileSync(
      path.resolve(__dirname, '../../../../packages/object/test-corpus/counts.c'),
      'utf8',
    );
    const bytes = compile(source, { fileName: 'counts.c' }).bytes as Uint8Array;
    const io = memoryIo({ 'c.o': bytes });
    expect(await runCli(['node', 'tbpf', 'disasm', '--style', 'kernel', 'c.o'], io)).toBe(0);
    using obj = openObject(bytes).load({ engine: 'interp' });
    for (const m of obj.maps)
      expect(io.stdout).toContain(`; map[id:${m.raw.id}] ${m.name}: ${m.typeName}  key ${m.raw.keySize}B`);
    const ids = (name: string) => obj.map(name).raw.id;
    expect(io.stdout).toContain(`(18) r1 = map[id:${ids('counts')}]\n`);
    expect(io.stdout).toContain(`(18) r1 = map[id:${ids('stats')}]\n`);
    expect(io.stdout).toMatch(new RegExp(`\\(18\\) r\\d = map\\[id:${ids('.rodata')}\\]\\[0\\]\\+0\\n`));
    expect(io.stdout).not.toMatch(/r\d = 0x0\n/);
  });
});
