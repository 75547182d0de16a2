import {
  be,
  bswap,
  call,
  callLocal,
  callx,
  cmpxchg,
  encode,
  exit,
  fetchAdd,
  fetchXor,
  gotol,
  type Insn,
  ja,
  jne,
  jslt32,
  ldabs,
  lddw,
  lddwPseudo,
  ldind,
  ldxsb,
  ldxw,
  lockAdd,
  mov,
  mov32,
  movsx,
  movsx32,
  neg32,
  R0,
  R1,
  R2,
  R10,
  sdiv,
  stb,
  stxdw,
  xchg,
} from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { AsmError, assemble, detectSyntax } from './index.js';

const one = (text: string, syntax?: 'ubpf' | 'llvm'): Insn => {
  const p = assemble(text, syntax ? { syntax } : {});
  expect(p.insns).toHaveLength(1);
  return p.insns[0];
};

describe('ubpf syntax', () => {
  const have: [string, Insn][] = [
    ['mov32 %r0, 1', mov32.imm(R0, 1)],
    ['ldxw %r0, [%r1+2]', ldxw(R0, R1, 2)],
    ['ldxsb %r0, [%r1]', ldxsb(R0, R1, 0)],
    ['stxdw [%r10-8], %r1', stxdw(R10, R1, -8)],
    ['stb [%r1+0x2], -1', stb(R1, 2, -1)],
    ['jne %r1, 0, +3', jne.imm(R1, 0, 3)],
    ['jslt32 %r1, %r2, -1', jslt32.reg(R1, R2, -1)],
    ['ja +0', ja(0)],
    ['ja32 -2', gotol(-2)],
    ['lddw %r0, 0x1122334455667788', lddw(R0, 0x1122334455667788n)],
    ['lddw %r0, -1', lddw(R0, -1n)],
    ['lock add [%r10-8], %r1', lockAdd.dw(R10, R1, -8)],
    ['lock fetch add32 [%r10-4], %r1', fetchAdd.w(R10, R1, -4)],
    ['lock fetch xor [%r10-8], %r2', fetchXor.dw(R10, R2, -8)],
    ['lock xchg [%r10-8], %r1', xchg.dw(R10, R1, -8)],
    ['lock cmpxchg32 [%r10-8], %r1', cmpxchg.w(R10, R1, -8)],
    ['call 5', call(5)],
    ['call helper 5', call(5)],
    ['call local +2', callLocal(2)],
    ['call %r2', callx(R2)],
    ['neg32 %r1', neg32(R1)],
    ['sdiv %r1, -3', sdiv.imm(R1, -3)],
    ['movsx864 %r0, %r1', movsx(8, R0, R1)],
    ['movsx1632 %r4, %r3', movsx32(16, 4, 3)],
    ['be16 %r0', be(16, R0)],
    ['swap64 %r0', bswap(64, R0)],
    ['bswap32 %r0', bswap(32, R0)],
    ['ldabsw 0x10', ldabs(4, 16)],
    ['ldindh %r2, 4', ldind(2, R2, 4)],
    ['mov %r0, 0xffffffff', { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: -1 }],
    ['exit # the end', exit()],
  ];
  it.each(have)('%s', (text, want) => {
    expect(one(text, 'ubpf')).toEqual(want);
  });

  it('resolves labels in slots, and `exit` names the first exit', () => {
    const p = assemble('jeq %r1, 0, out\nlddw %r0, 1\nja exit\nout:\nexit\n');
    expect(p.insns[0]).toMatchObject({ off: 3 });
    expect(p.insns[2]).toEqual(ja(0));
    expect(p.labels).toEqual({ out: 3, exit: 3 });
  });

  it('resolves call local to a label and marks it a function', () => {
    const p = assemble('call local f\nexit\nf:\nmov %r0, 1\nexit');
    expect(p.insns[0]).toEqual(callLocal(1));
    expect(p.symbols).toContainEqual(expect.objectContaining({ name: 'f', type: 'func', index: 2 }));
  });

  it('says where each instruction is in the text', () => {
    const p = assemble('# comment\n  mov %r0, 1\n\nout:  exit\n', { syntax: 'ubpf' });
    expect(p.sections[0].lines).toEqual([
      { line: 2, column: 3 },
      { line: 4, column: 7 },
    ]);
  });

  it('makes lddw of a name a relocation', () => {
    const p = assemble('lddw %r1, my_map\nexit');
    expect(p.relocations).toEqual([
      { section: '.text', index: 0, offset: 0, symbol: 'my_map', type: 'R_BPF_64_64' },
    ]);
  });
});

describe('LLVM syntax', () => {
  const have: [string, Insn][] = [
    ['r0 = *(u32 *)(r1 + 4)', ldxw(R0, R1, 4)],
    ['w0 = (s8)w1', movsx32(8, R0, R1)],
    ['r1 = 0 ll', lddw(R1, 0)],
    ['r1 = -1 ll', lddw(R1, -1n)],
    ['lock *(u64 *)(r10 - 8) += r1', lockAdd.dw(R10, R1, -8)],
    ['r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)', fetchAdd.dw(R10, R0, -8)],
    ['w0 = atomic_fetch_add((u32 *)(r10 - 8), w0)', fetchAdd.w(R10, R0, -8)],
    ['r0 = xchg_64(r10 - 8, r0)', xchg.dw(R10, R0, -8)],
    ['r0 = cmpxchg_64(r10 - 8, r0, r1)', cmpxchg.dw(R10, R1, -8)],
    ['w0 = cmpxchg32_32(r10 - 8, w0, w1)', cmpxchg.w(R10, R1, -8)],
    ['gotol +2', gotol(2)],
    ['call 1', call(1)],
    ['callx r2', callx(R2)],
    ['r1 = be16 r1', be(16, R1)],
    ['r1 = bswap32 r1', bswap(32, R1)],
    ['w1 = -w1', neg32(R1)],
    ['r1 s/= -3', sdiv.imm(R1, -3)],
    ['if w1 s< w2 goto +3', jslt32.reg(R1, R2, 3)],
    ['*(u8 *)(r1 + 0x2) = -1', stb(R1, 2, -1)],
    ['r0 = *(u8 *)skb[16]', ldabs(1, 16)],
    ['r0 = *(u16 *)skb[r2]', ldind(2, R2, 0)],
    ['ld_pseudo r1, 1, 3', lddwPseudo('map_fd', R1, 3)],
    ['r1 = 010', mov.imm(R1, 8)],
    ['exit // done', exit()],
  ];
  it.each(have)('%s', (text, want) => {
    expect(one(text, 'llvm')).toEqual(want);
  });

  it('puts a symbol addend in the lddw immediate, as llvm-mc does', () => {
    const p = assemble('r1 = foo+8 ll\nr2 = foo - 4 ll', { syntax: 'llvm' });
    expect(p.insns).toEqual([
      { kind: 'lddw', source: 'imm64', dst: 1, imm: 8, imm2: 0 },
      { kind: 'lddw', source: 'imm64', dst: 2, imm: -4, imm2: 0 },
    ]);
    expect(p.relocations.map((r) => r.symbol)).toEqual(['foo', 'foo']);
  });

  it('handles sections, globals, functions, sizes, local calls and relocations like llvm-mc', () => {
    const p = assemble(
      `\t.text
\t.globl prog                      # -- Begin function prog
\t.p2align 3
\t.type prog,@function
prog:
\tr1 = counters ll
\tcall helper
\tcall ext
\tif r1 > 5 goto LBB0_2
\tr0 = 0
LBB0_2:
\texit
.Lfunc_end0:
\t.size prog, .Lfunc_end0-prog
helper:
\texit
\t.section "kprobe/sys_write","ax",@progbits
\tcall helper
\texit
`,
    );
    expect(p.syntax).toBe('llvm');
    expect(p.sections.map((s) => s.name)).toEqual(['.text', 'kprobe/sys_write']);
    const text = p.sections[0].insns;
    expect(text[1]).toEqual(callLocal(4));
    expect(text[2]).toEqual({ kind: 'call', target: 'local', imm: -1 });
    expect(text[3]).toMatchObject({ kind: 'jmp', off: 1 });
    expect(p.symbols.find((s) => s.name === 'prog')).toMatchObject({
      binding: 'global',
      type: 'func',
      size: 56,
    });
    expect(p.symbols.map((s) => s.name)).not.toContain('.Lfunc_end0');
    expect(p.relocations).toEqual([
      { section: '.text', index: 0, offset: 0, symbol: 'counters', type: 'R_BPF_64_64' },
      { section: '.text', index: 2, offset: 24, symbol: 'ext', type: 'R_BPF_64_32' },
      { section: 'kprobe/sys_write', index: 0, offset: 0, symbol: 'helper', type: 'R_BPF_64_32' },
    ]);
  });
});

describe('data directives (LLVM syntax)', () => {
  it('lays out data like llvm-mc: integers little-endian, strings, padding, .bss, local .comm', () => {
    const p = assemble(
      `\t.section .rodata,"a",@progbits
\t.globl limit
\t.type limit,@object
limit:
\t.short -2
\t.p2align 2, 0x0
\t.long 0x11223344
\t.byte 1, 2
\t.ascii "ab"
\t.asciz "c\\n"
\t.size limit, 6
\t.local hist
\t.comm hist,16,8
\t.data
word:
\t.quad -1
\t.zero 3, 0x7f
\t.text
\tr1 = limit ll
\texit
`,
      { syntax: 'llvm' },
    );
    const rodata = p.data.find((d) => d.name === '.rodata');
    expect(Buffer.from(rodata?.bytes ?? []).toString('hex')).toBe('feff00004433221101026162630a00');
    expect(rodata?.symbols).toEqual([
      { name: 'limit', offset: 0, size: 6, binding: 'global', type: 'object' },
    ]);
    const bss = p.data.find((d) => d.name === '.bss');
    expect(bss).toMatchObject({ nobits: true, labels: { hist: 0 } });
    expect(bss?.bytes.length).toBe(16);
    expect(Buffer.from(p.data.find((d) => d.name === '.data')?.bytes ?? []).toString('hex')).toBe(
      'ffffffffffffffff7f7f7f',
    );
    expect(p.sections.map((s) => s.name)).toEqual(['.text']);
  });

  it.each([
    ['\t.data\n\t.byte sym', 'an address in data takes .quad or .long'],
    ['\t.data\n\t.byte 1\n\texit', "instruction in data section '.data'"],
    ['\texit\n\t.byte 1', "data in code section '.text'"],
    ['\t.comm buf,8,8', "common symbol 'buf' is not supported"],
    ['\texit\n\t.p2align 4', 'code alignment 16 is not supported'],
    ['\t.data\n\t.byte 256', '256 does not fit in 1 byte'],
    ['\t.data\n\t.zero -1', 'cannot reserve -1 bytes'],
  ])('%j is an error', (text, message) => {
    expect(() => assemble(text, { syntax: 'llvm' })).toThrow(message);
  });
});

describe('syntax detection', () => {
  it.each([
    ['mov %r0, 1\nexit', 'ubpf'],
    ['r0 = 1\nexit', 'llvm'],
    ['\t.text\nexit', 'llvm'],
    ['exit', 'ubpf'],
    ['ldxw %r0, [%r1]\nldxw %r0, [%r1]\nr0 = 1', 'ubpf'],
    ['r0 = *(u8 *)skb[r1]\nexit', 'llvm'],
    ['mov %r0, 1 # r0 = 1', 'ubpf'],
  ])('%j is %s', (text, want) => {
    expect(detectSyntax(text)).toBe(want);
  });
});

describe('errors', () => {
  const cases: [string, 'ubpf' | 'llvm', string, Partial<AsmError>][] = [
    [
      'mov %r0, 1\nmov %x1, 2',
      'ubpf',
      'p.s:2:5: error: expected a register (%r0-%r10), found',
      { line: 2, column: 5, text: '%x1' },
    ],
    ['mov %r11, 1', 'ubpf', "p.s:1:5: error: invalid register '%r11'", { column: 5 }],
    ['frob %r1', 'ubpf', "p.s:1:1: error: unknown instruction 'frob'", { column: 1, text: 'frob' }],
    ['jeq %r1, 0, nowhere\nexit', 'ubpf', "p.s:1:13: error: unknown label 'nowhere'", { text: 'nowhere' }],
    ['mov32 %r0, 0x100000000', 'ubpf', 'p.s:1:12: error: immediate 4294967296 does not fit in 32 bits', {}],
    ['ldxw %r0, [%r1+2', 'ubpf', "p.s:1:17: error: expected ']', found end of line", { expected: "']'" }],
    ['a:\na:\nexit', 'ubpf', "p.s:2:1: error: label 'a' is already defined at line 1", {}],
    ['r0 = *(u33 *)(r1 + 0)', 'llvm', 'p.s:1:8: error: expected u8, u16, u32, u64, s8, s16 or s32', {}],
    ['w1 = r2', 'llvm', 'p.s:1:6: error: expected a register w0-w10', {}],
    ['if r1 >> 3 goto +1', 'llvm', 'p.s:1:7: error: expected a comparison', {}],
    ['\t.frobnicate 3', 'llvm', "p.s:1:2: error: unsupported directive '.frobnicate'", {}],
    [
      'goto +40000',
      'llvm',
      'p.s:1:6: error: offset 40000 does not fit in 16 bits',
      { expected: 'a signed 16-bit value' },
    ],
    ['r1 = *(u32 *)(r2 + 0xffff)', 'llvm', 'p.s:1:20: error: offset 65535 does not fit in 16 bits', {}],
    ['ja +32768', 'ubpf', 'p.s:1:4: error: offset 32768 does not fit in 16 bits', {}],
    ['r1 = 5 ?', 'llvm', "p.s:1:8: error: unexpected character '?'", {}],
    ['r1 = "x', 'llvm', 'p.s:1:6: error: unterminated string', {}],
  ];
  it.each(cases)('%j (%s)', (text, syntax, message, fields) => {
    let error: unknown;
    try {
      assemble(text, { syntax, fileName: 'p.s' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AsmError);
    expect((error as AsmError).message.startsWith(message)).toBe(true);
    expect(error).toMatchObject({ fileName: 'p.s', ...fields });
  });

  it('encodes what it accepts', () => {
    expect(() => encode(assemble('r1 = 0x7fffffff\nexit').insns)).not.toThrow();
  });
});
