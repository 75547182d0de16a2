/**
 * Encoding table: every emitter form with low and high registers, 8- and 32-bit displacements,
 * disassembled by objdump (the oracle) and compared with the instruction we meant to emit.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { CodeBuffer } from './code-buffer.js';
import { NO_INDEX } from './encoding.js';
import * as x from './instructions.js';
import { NAMES64, R8, R9, R10, R11, R12, R13, R15, RAX, RBP, RCX, RDI, RDX, RSI, RSP } from './registers.js';

const NAMES32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'];
const NAMES16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const NAMES8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
function reg(r: number, bits: 8 | 16 | 32 | 64): string {
  if (bits === 64) return NAMES64[r];
  if (r >= 8) return `r${r}${bits === 32 ? 'd' : bits === 16 ? 'w' : 'b'}`;
  return (bits === 32 ? NAMES32 : bits === 16 ? NAMES16 : NAMES8)[r];
}
/** An immediate as objdump prints it: sign-extended to the operand width, in hex. */
function imm(v: number, bits: number): string {
  return `0x${BigInt.asUintN(bits, BigInt(v)).toString(16)}`;
}
const PTR = { 1: 'BYTE', 2: 'WORD', 4: 'DWORD', 8: 'QWORD' } as const;
function address(base: number, index: number, disp: number): string {
  // rbp/r13 as a base have no disp-less form: objdump shows the disp8 of 0 that encodes it.
  const d =
    disp === 0
      ? (base & 7) === 5
        ? '+0x0'
        : ''
      : disp < 0
        ? `-0x${(-disp).toString(16)}`
        : `+0x${disp.toString(16)}`;
  const i = index === NO_INDEX ? '' : `+${NAMES64[index]}*1`;
  return `[${NAMES64[base]}${i}${d}]`;
}
function mem(size: 1 | 2 | 4 | 8, base: number, index: number, disp: number): string {
  return `${PTR[size]} PTR ${address(base, index, disp)}`;
}

interface Case {
  text: string;
  emit: (buf: CodeBuffer) => void;
}

const PAIRS: [number, number][] = [
  [RAX, RDI],
  [R8, R13],
  [RBP, R15],
  [RSI, R12],
  [R11, RDX],
];
const DISPS = [0, 8, -8, 0x7f, -0x80, 0x1000, -0x7fff];
const BASES_INDEXES: [number, number][] = [
  [R12, R11],
  [R12, RBP],
  [R12, R13],
  [RBP, NO_INDEX],
  [R13, NO_INDEX],
  [RSP, NO_INDEX],
  [R12, NO_INDEX],
  [RDI, NO_INDEX],
];

function cases(): Case[] {
  const out: Case[] = [];
  const add = (text: string, emit: (buf: CodeBuffer) => void) => out.push({ text, emit });
  for (const w64 of [false, true]) {
    const bits = w64 ? 64 : 32;
    for (const [d, s] of PAIRS) {
      for (const op of ['add', 'or', 'and', 'sub', 'xor', 'cmp', 'test'] as const) {
        add(`${op} ${reg(d, bits)},${reg(s, bits)}`, (b) => x.aluRR(b, x.ALU_RR[op], w64, d, s));
      }
      for (const op of ['add', 'or', 'and', 'sub', 'xor', 'cmp'] as const) {
        for (const v of [1, -1, 127, -128, 128, 0x12345678, -0x80000000]) {
          add(`${op} ${reg(d, bits)},${imm(v, bits)}`, (b) => x.aluRI(b, x.ALU_EXT[op], w64, d, v));
        }
      }
      add(`test ${reg(d, bits)},${imm(0x1234567, bits)}`, (b) => x.testRI(b, w64, d, 0x1234567));
      add(`mov ${reg(d, bits)},${reg(s, bits)}`, (b) => x.movRR(b, w64, d, s));
      add(`imul ${reg(d, bits)},${reg(s, bits)}`, (b) => x.imulRR(b, w64, d, s));
      add(`imul ${reg(d, bits)},${reg(d, bits)},${imm(-3, bits)}`, (b) => x.imulRI(b, w64, d, -3));
      add(`imul ${reg(d, bits)},${reg(d, bits)},${imm(100000, bits)}`, (b) => x.imulRI(b, w64, d, 100000));
      for (const op of ['shl', 'shr', 'sar'] as const) {
        add(`${op} ${reg(d, bits)},0x7`, (b) => x.shiftRI(b, x.SHIFT_EXT[op], w64, d, 7));
        add(`${op} ${reg(d, bits)},cl`, (b) => x.shiftRCL(b, x.SHIFT_EXT[op], w64, d));
      }
      add(`neg ${reg(d, bits)}`, (b) => x.neg(b, w64, d));
      add(`div ${reg(s, bits)}`, (b) => x.divR(b, false, w64, s));
      add(`idiv ${reg(s, bits)}`, (b) => x.divR(b, true, w64, s));
      add(`bswap ${reg(d, bits)}`, (b) => x.bswap(b, w64, d));
      add(`movsx ${reg(d, bits)},${reg(s, 8)}`, (b) => x.movsxRR(b, w64, 8, d, s));
      add(`movsx ${reg(d, bits)},${reg(s, 16)}`, (b) => x.movsxRR(b, w64, 16, d, s));
    }
  }
  add('cqo', (b) => x.cqo(b, true));
  add('cdq', (b) => x.cqo(b, false));
  for (const [d, s] of PAIRS) {
    add(`movsxd ${reg(d, 64)},${reg(s, 32)}`, (b) => x.movsxRR(b, true, 32, d, s));
    add(`movzx ${reg(d, 32)},${reg(s, 8)}`, (b) => x.movzxRR(b, 8, d, s));
    add(`movzx ${reg(d, 32)},${reg(s, 16)}`, (b) => x.movzxRR(b, 16, d, s));
    add(`ror ${reg(d, 16)},0x8`, (b) => x.ror16by8(b, d));
    add(`mov ${reg(d, 32)},0x89abcdef`, (b) => x.movRI32(b, d, 0x89abcdef | 0));
    add(`mov ${reg(d, 64)},0xffffffff89abcdef`, (b) => x.movRIsx(b, d, 0x89abcdef | 0));
    add(`movabs ${reg(d, 64)},0x1122334455667788`, (b) => x.movabs(b, d, 0x55667788, 0x11223344));
    add(`push ${reg(d, 64)}`, (b) => x.push(b, d));
    add(`pop ${reg(d, 64)}`, (b) => x.pop(b, d));
    for (const disp of [0, 0x10, -0x200]) {
      add(`lea ${reg(d, 32)},${address(s, NO_INDEX, disp)}`, (b) => x.lea32(b, d, s, disp));
    }
  }
  const DATA = [RAX, RSI, RDI, RBP, R8, R15];
  for (const [base, index] of BASES_INDEXES) {
    for (const disp of DISPS) {
      const m = (size: 1 | 2 | 4 | 8) => mem(size, base, index, disp);
      for (const r of DATA) {
        add(`movzx ${reg(r, 32)},${m(1)}`, (b) => x.load(b, 1, false, r, base, index, disp));
        add(`movzx ${reg(r, 32)},${m(2)}`, (b) => x.load(b, 2, false, r, base, index, disp));
        add(`mov ${reg(r, 32)},${m(4)}`, (b) => x.load(b, 4, false, r, base, index, disp));
        add(`mov ${reg(r, 64)},${m(8)}`, (b) => x.load(b, 8, false, r, base, index, disp));
        add(`movsx ${reg(r, 64)},${m(1)}`, (b) => x.load(b, 1, true, r, base, index, disp));
        add(`movsx ${reg(r, 64)},${m(2)}`, (b) => x.load(b, 2, true, r, base, index, disp));
        add(`movsxd ${reg(r, 64)},${m(4)}`, (b) => x.load(b, 4, true, r, base, index, disp));
        for (const size of [1, 2, 4, 8] as const) {
          add(`mov ${m(size)},${reg(r, (size * 8) as 8 | 16 | 32 | 64)}`, (b) =>
            x.store(b, size, base, index, disp, r),
          );
        }
      }
      add(`mov ${m(1)},0x85`, (b) => x.storeImm(b, 1, base, index, disp, 0x85));
      add(`mov ${m(2)},0x8765`, (b) => x.storeImm(b, 2, base, index, disp, 0x8765));
      add(`mov ${m(4)},0x87654321`, (b) => x.storeImm(b, 4, base, index, disp, 0x87654321 | 0));
      add(`mov ${m(8)},0xffffffff87654321`, (b) => x.storeImm(b, 8, base, index, disp, 0x87654321 | 0));
    }
  }
  for (const [base, index] of [
    [R12, R11],
    [R12, RBP],
  ]) {
    for (const w64 of [false, true]) {
      const size = w64 ? 8 : 4;
      const bits = w64 ? 64 : 32;
      for (const r of [RAX, RSI, R10, R15]) {
        for (const op of ['add', 'or', 'and', 'xor'] as const) {
          add(`lock ${op} ${mem(size, base, index, 0)},${reg(r, bits)}`, (b) =>
            x.lockAlu(b, x.ALU_RR[op], w64, base, index, r),
          );
        }
        add(`lock xadd ${mem(size, base, index, 0)},${reg(r, bits)}`, (b) =>
          x.lockXadd(b, w64, base, index, r),
        );
        add(`lock cmpxchg ${mem(size, base, index, 0)},${reg(r, bits)}`, (b) =>
          x.lockCmpxchg(b, w64, base, index, r),
        );
        add(`xchg ${mem(size, base, index, 0)},${reg(r, bits)}`, (b) => x.xchgMem(b, w64, base, index, r));
      }
    }
  }
  add('mov r9,QWORD PTR [rsp]', (b) => x.loadQ(b, R9, RSP, 0));
  add('mov QWORD PTR [r9+0x8],rcx', (b) => x.storeQ(b, R9, 8, RCX));
  add('mov DWORD PTR [r9],0x3', (b) => x.storeDImm(b, R9, 0, 3));
  add('call QWORD PTR [r9+0x28]', (b) => x.callMem(b, R9, 0x28));
  add('call QWORD PTR [r9+0x428]', (b) => x.callMem(b, R9, 0x428));
  add('push QWORD PTR [rsp+0x28]', (b) => x.pushMem(b, RSP, 0x28));
  add('ret', (b) => x.ret(b));
  add('lea r11,[rbp-0x8]', (b) => x.leaQ(b, R11, RBP, -8));
  return out;
}

/** Jumps print absolute targets, so they are checked at known positions. */
function jumpCases(): { text: string; at: number; emit: (buf: CodeBuffer) => void }[] {
  const out: { text: string; at: number; emit: (buf: CodeBuffer) => void }[] = [];
  for (const [cc, code] of Object.entries(x.CC)) {
    out.push({ text: `j${cc} 0x{+0x10}`, at: 0, emit: (b) => x.jcc(b, code, true, 0x10 - 2) });
    out.push({ text: `j${cc} 0x{-0x1000}`, at: 0, emit: (b) => x.jcc(b, code, false, -0x1000 - 6) });
  }
  out.push({ text: 'jmp 0x{+0x7f}', at: 0, emit: (b) => x.jmp(b, true, 0x7f - 2) });
  out.push({ text: 'jmp 0x{+0x12345}', at: 0, emit: (b) => x.jmp(b, false, 0x12345 - 5) });
  out.push({ text: 'call 0x{+0x400}', at: 0, emit: (b) => x.callRel32(b, 0x400 - 5) });
  return out;
}

function disassemble(code: Uint8Array): Map<number, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-enc-'));
  const file = path.join(dir, 'code.bin');
  writeFileSync(file, code);
  const text = execFileSync('objdump', ['-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel', file], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const byOffset = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.+)$/.exec(line);
    if (m) byOffset.set(Number.parseInt(m[1], 16), m[2].replace(/\s+/g, ' ').replace(/ #.*$/, '').trim());
  }
  return byOffset;
}

describe.skipIf(!haveTool('objdump'))('x86-64 encodings (objdump is the oracle)', () => {
  it('every emitter form disassembles to the intended instruction', () => {
    const all = cases();
    const buf = new CodeBuffer();
    const starts: number[] = [];
    for (const c of all) {
      buf.ensure(16); // one instruction is at most 15 bytes
      starts.push(buf.len);
      c.emit(buf);
    }
    const dis = disassemble(buf.finish());
    const mismatches = all
      .map((c, i) => ({ want: c.text, got: dis.get(starts[i]) ?? '<no instruction here>' }))
      .filter((m) => m.got !== m.want);
    expect(mismatches.slice(0, 40)).toEqual([]);
    expect(all.length).toBeGreaterThan(1500);
  });

  it('movXorImm emits the mov and the xor it stands for', () => {
    for (let d = 0; d < 16; d++) {
      for (const w64 of [false, true]) {
        const [a, b] = [0x89abcdef | 0, 0x1234567];
        const one = new CodeBuffer(32);
        x.movXorImm(one, w64, d, a, b);
        const two = new CodeBuffer(32);
        if (w64) x.movRIsx(two, d, a);
        else x.movRI32(two, d, a);
        x.aluRI32(two, x.ALU_EXT.xor, w64, d, b);
        expect(one.finish()).toEqual(two.finish());
      }
    }
  });

  it('jumps and calls reach the intended targets', () => {
    const cs = jumpCases();
    const buf = new CodeBuffer();
    const starts: number[] = [];
    for (const c of cs) {
      buf.emit1(0x90); // nop, so targets differ from offsets
      starts.push(buf.len);
      c.emit(buf);
    }
    const dis = disassemble(buf.finish());
    cs.forEach((c, i) => {
      const want = c.text.replace(/0x\{([+-]0x[0-9a-f]+)\}/, (_, rel) => {
        const target = BigInt.asUintN(64, BigInt(starts[i]) + BigInt(Number.parseInt(rel, 16)));
        return `0x${target.toString(16)}`;
      });
      expect(dis.get(starts[i])).toBe(want);
    });
  });
});
