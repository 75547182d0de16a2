import { readFileSync } from 'node:fs';
import path from 'node:path';
import { branchTargets, encode, type Insn } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../test-corpus/objects/toolchain.js';
import { formatKernel } from '../text/format-kernel.js';
import { type DraftInsn, decodeDraftInsn, draft } from './draft-insn.js';
import { RfcImageError } from './errors.js';
import { FILTER_EX1, filterEx1Image } from './filter-ex1.js';
import { formatDraftInsn } from './format-draft.js';
import { readRfcImage, strtabName, writeRfcImage } from './image.js';
import { TBPF_RFC_HELPER_IDS, translateRfcImage } from './translate.js';

const FIXTURE = path.join(CORPUS_DIR, 'filter_ex1.bpf');
const helperName = (id: number) => Object.entries(TBPF_RFC_HELPER_IDS).find(([, v]) => v === id)?.[0];

function image(insns: DraftInsn[], tables = [] as Parameters<typeof writeRfcImage>[0]['tables']) {
  return writeRfcImage({ insns, tables });
}

describe('filter_ex1', () => {
  it('is a 254-byte image: 16-byte header, 24 instructions, 46-byte string table', () => {
    const bytes = filterEx1Image();
    expect(bytes.length).toBe(254);
    const img = readRfcImage(bytes);
    expect(img.insns.length).toBe(24);
    expect(img.strtab.length).toBe(46);
    expect([1, 18, 29].map((o) => strtabName(img.strtab, o))).toEqual([
      'bpf_load_pointer',
      'bpf_memcmp',
      'bpf_trace_printk',
    ]);
    const calls = img.insns.filter((s) => s.opcode === 0x85).map((s) => s.imm);
    expect(calls).toEqual([1, 18, 29]);
    expect(img.insns[5]).toMatchObject({ opcode: 0xc2, dst: 10, off: -20, imm: 28524 }); // ST W REL "lo"
    expect(img.insns[0]).toMatchObject({ opcode: 0xd9, dst: 6, src: 1, off: 104 }); // LDX DW REL
    expect(img.insns[23].opcode).toBe(0x06); // RET
  });

  it('lists in v1 style (pr_info_bpf_insn)', () => {
    const img = readRfcImage(filterEx1Image());
    const text = img.insns.map((s, i) => formatDraftInsn(decodeDraftInsn(s, i), img.strtab));
    expect(text.slice(0, 6)).toEqual([
      'code_d9 r6 = *(u64 *)(r1 +104)',
      'code_bc r1 = r6',
      'code_04 r1 += 32',
      'code_85 call bpf_load_pointer',
      'code_bc r7 = r0',
      'code_c2 *(u32 *)(r10 -20) = 28524',
    ]);
    expect(text[11]).toBe('code_55 if r0 != 0x0 goto pc+11');
    expect(text[23]).toBe('code_06 ret');
  });

  it('matches the committed fixture byte for byte', () => {
    expect(new Uint8Array(readFileSync(FIXTURE))).toEqual(filterEx1Image());
  });

  it('translates to RFC 9669 and disassembles in the kernel style', () => {
    const p = translateRfcImage(new Uint8Array(readFileSync(FIXTURE)), { name: 'filter_ex1' });
    const listing = p.insns.map((insn, i) => `${i}: ${formatKernel(insn, { helperName })}`);
    expect(listing).toEqual([
      '0: (79) r6 = *(u64 *)(r1 +104)',
      '1: (bf) r1 = r6',
      '2: (07) r1 += 32',
      '3: (85) call bpf_load_pointer#1002',
      '4: (bf) r7 = r0',
      '5: (62) *(u32 *)(r10 -20) = 28524',
      '6: (bf) r1 = r7',
      '7: (bf) r2 = r10',
      '8: (07) r2 += -20',
      '9: (b7) r3 = 2',
      '10: (85) call bpf_memcmp#1001',
      '11: (55) if r0 != 0x0 goto pc+11',
      '12: (62) *(u32 *)(r10 -16) = 543320947',
      '13: (62) *(u32 *)(r10 -12) = 1679847461',
      '14: (62) *(u32 *)(r10 -8) = 622884453',
      '15: (62) *(u32 *)(r10 -4) = 663664',
      '16: (bf) r1 = r10',
      '17: (07) r1 += -16',
      '18: (b7) r2 = 16',
      '19: (bf) r3 = r6',
      '20: (bf) r4 = r7',
      '21: (b7) r5 = 0',
      '22: (85) call bpf_trace_printk#6',
      '23: (b7) r0 = 0',
      '24: (95) exit',
    ]);
    // The string pieces spell the format, NUL included.
    const fmt = new Uint8Array(16);
    const v = new DataView(fmt.buffer);
    [12, 13, 14, 15].forEach((k, j) => {
      const insn = p.insns[k];
      if (insn.kind === 'st') v.setInt32(j * 4, insn.imm, true);
    });
    expect(new TextDecoder().decode(fmt)).toBe('skb %p dev %p \n\0');
    expect(p.maps).toEqual([]);
  });
});

describe('translateRfcImage', () => {
  const ret = draft.ret();

  it('turns 64-bit draft ALU into ALU64, REL into MEM, XADD W/DW into atomic add', () => {
    const p = translateRfcImage(
      image([
        draft.aluReg('xor', 1, 2),
        draft.aluImm('arsh', 3, 7),
        draft.neg(4),
        draft.stx(2, 10, 1, -8),
        draft.xadd(4, 10, 1, -8),
        draft.xadd(8, 10, 1, -16),
        ret,
      ]),
    );
    expect(p.insns.slice(0, 6)).toEqual<Insn[]>([
      { kind: 'alu', width: 64, op: 'xor', source: 'reg', dst: 1, src: 2, imm: 0 },
      { kind: 'alu', width: 64, op: 'arsh', source: 'imm', dst: 3, src: 0, imm: 7 },
      { kind: 'alu', width: 64, op: 'neg', source: 'imm', dst: 4, src: 0, imm: 0 },
      { kind: 'stx', size: 2, dst: 10, src: 1, off: -8 },
      { kind: 'atomic', size: 4, op: 'add', fetch: false, dst: 10, src: 1, off: -8 },
      { kind: 'atomic', size: 8, op: 'add', fetch: false, dst: 10, src: 1, off: -16 },
    ]);
  });

  it('translates BSWAP32/64 to the unconditional byte swap (bswap32 clears the upper half, like v1)', () => {
    const p = translateRfcImage(image([draft.bswap(32, 1), draft.bswap(64, 2), ret]));
    expect(p.insns.slice(0, 2)).toEqual([
      { kind: 'end', op: 'bswap', bits: 32, dst: 1 },
      { kind: 'end', op: 'bswap', bits: 64, dst: 2 },
    ]);
    // Encoded as ALU64|END (0xd7) with imm 32: RFC 9669's "swap unconditionally" form, not
    // the host-dependent to-LE/to-BE one.
    expect([...encode(p.insns.slice(0, 1))]).toEqual([0xd7, 0x01, 0, 0, 32, 0, 0, 0]);
  });

  it('rejects XADD of 1 or 2 bytes, naming the instruction', () => {
    expect(() => translateRfcImage(image([draft.movImm(0, 0), draft.xadd(1, 10, 0, -8), ret]))).toThrow(
      /draft instruction 1: XADD of 1 byte\(s\) has no RFC 9669 equivalent/,
    );
  });

  it('recomputes jump offsets when a RET in the middle becomes two instructions', () => {
    const p = translateRfcImage(
      image([
        draft.jmpImm('jeq', 1, 0, 2), // 0: → 3
        draft.movImm(0, 1), //            1
        ret, //                           2 (becomes 2 insns)
        draft.ja(-3), //                  3: → 1 (JA with the X bit)
        ret, //                           4
      ]),
    );
    const targets = branchTargets(p.insns);
    expect(p.insns.length).toBe(7);
    expect(targets[0]).toEqual({ ok: true, index: 4 });
    expect(p.insns[4]).toEqual({ kind: 'ja', off: -4 });
    expect(targets[4]).toEqual({ ok: true, index: 1 });
    expect(p.insns.slice(5)).toEqual([
      { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 0, src: 0, imm: 0 },
      { kind: 'exit' },
    ]);
  });

  it('turns tables into hash maps and table calls into map helpers with a map reference', () => {
    const p = translateRfcImage(
      image(
        [
          draft.movImm(2, 0), // table id
          draft.movReg(3, 10),
          draft.addImm(3, -8),
          draft.st(8, 10, -8, 5),
          draft.call('bpf_table_lookup'),
          draft.movImm(2, 1),
          draft.movReg(4, 10),
          draft.addImm(4, -16),
          draft.call('bpf_table_update'),
          ret,
        ],
        [
          { type: 1, keySize: 8, elemSize: 8, maxEntries: 4096, param1: 0 },
          { type: 1, keySize: 8, elemSize: 16, maxEntries: 10, param1: 0 },
        ],
      ),
    );
    expect(p.maps.map((m) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries, m.origin])).toEqual([
      ['table0', 'hash', 8, 8, 4096, 'rfc-table'],
      ['table1', 'hash', 8, 16, 10, 'rfc-table'],
    ]);
    expect(p.insns.slice(4, 7)).toEqual([
      { kind: 'lddw', source: 'map_idx', dst: 1, imm: 0, imm2: 0 },
      { kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 2, src: 3, imm: 0 },
      { kind: 'call', target: 'helper', imm: 1 },
    ]);
    expect(p.insns.slice(10, 15)).toEqual([
      { kind: 'lddw', source: 'map_idx', dst: 1, imm: 1, imm2: 0 },
      { kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 2, src: 3, imm: 0 },
      { kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 3, src: 4, imm: 0 },
      { kind: 'alu', width: 64, op: 'mov', source: 'imm', dst: 4, src: 0, imm: 0 },
      { kind: 'call', target: 'helper', imm: 2 },
    ]);
  });

  it.each<[string, DraftInsn[], RegExp]>([
    [
      'unknown helper',
      [draft.call('bpf_frobnicate'), draft.ret()],
      /draft instruction 0: unknown helper 'bpf_frobnicate'/,
    ],
    [
      'call into the middle of a name',
      [draft.callAt(3), draft.ret()],
      /draft instruction 0: call names string table offset 3/,
    ],
    ['no final ret', [draft.movImm(0, 0)], /draft instruction 0: last insn is not a 'ret'/],
    ['jump out of the program', [draft.ja(5), draft.ret()], /draft instruction 0: jump to 6 is outside/],
    [
      'table id not constant',
      [draft.movReg(2, 1), draft.call('bpf_table_lookup'), draft.ret()],
      /draft instruction 1: bpf_table_lookup: the table id/,
    ],
    [
      'table out of range',
      [draft.movImm(2, 3), draft.call('bpf_table_lookup'), draft.ret()],
      /table 3, but the image has 0/,
    ],
    [
      'register 11',
      [{ ...draft.movImm(11, 0) }, draft.ret()],
      /draft instruction 0: invalid destination register r11/,
    ],
  ])('rejects: %s', (_, insns, message) => {
    const bytes = writeRfcImage({ insns: [...insns], helpers: ['bpf_load_pointer'] });
    expect(() => translateRfcImage(bytes)).toThrow(RfcImageError);
    expect(() => translateRfcImage(bytes)).toThrow(message);
  });

  it('rejects LPM tables and unknown opcodes', () => {
    const lpm = image([draft.ret()], [{ type: 2, keySize: 8, elemSize: 8, maxEntries: 1, param1: 0 }]);
    expect(() => translateRfcImage(lpm)).toThrow(/table 0: LPM tables/);
    const bytes = image([draft.movImm(0, 0), draft.ret()]);
    bytes[16 + 8] = 0x18; // lddw does not exist in the draft ISA
    expect(() => translateRfcImage(bytes)).toThrow(/draft instruction 1: unknown draft opcode 0x18/);
  });

  it('accepts a caller-supplied helper table', () => {
    const bytes = writeRfcImage({ insns: [draft.call('my_helper'), draft.ret()] });
    const p = translateRfcImage(bytes, { helperId: (n) => (n === 'my_helper' ? 1042 : undefined) });
    expect(p.insns[0]).toEqual({ kind: 'call', target: 'helper', imm: 1042 });
  });
});

describe('readRfcImage container checks', () => {
  const good = () => filterEx1Image();
  it.each<[string, (b: Uint8Array) => Uint8Array, RegExp]>([
    ['bad magic', (b) => Object.assign(b.slice(), { 0: 0x42 }), /does not start with "bpf\\0"/],
    ['short', (b) => b.slice(0, 10), /shorter than the 16-byte header/],
    ['sizes do not add up', (b) => b.slice(0, 250), /sizes add up to 254 bytes but the image has 250/],
    [
      'insn size not a multiple of 8',
      (b) => Object.assign(b.slice(), { 4: 191 }),
      /not a positive multiple of 8/,
    ],
    ['strtab not terminated', (b) => Object.assign(b.slice(), { 253: 0x41 }), /not NUL-terminated/],
  ])('%s', (_, mutate, message) => {
    expect(() => readRfcImage(mutate(good()))).toThrow(RfcImageError);
    expect(() => readRfcImage(mutate(good()))).toThrow(message);
  });

  it('reads big-endian images too', () => {
    const be = writeRfcImage({ insns: FILTER_EX1, endian: 'big' });
    const img = readRfcImage(be, 'big');
    expect(img.insns.map((s, i) => decodeDraftInsn(s, i).op)).toEqual(FILTER_EX1.map((d) => d.op));
    expect(translateRfcImage(img).insns).toEqual(translateRfcImage(filterEx1Image()).insns);
  });
});
