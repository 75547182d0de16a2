/** have/want for the kernel "xlated" style, one row per print_bpf_insn() branch of kernel/bpf/disasm.c. */

import { describe, expect, it } from 'vitest';
import { assemble, formatInsn } from './index.js';

const have: [string, string][] = [
  ['r1 = r2', '(bf) r1 = r2'],
  ['w1 = 5', '(b4) w1 = 5'],
  ['r1 += -5', '(07) r1 += -5'],
  ['w1 s/= w2', '(3c) w1 s/= w2'],
  ['r1 s%= 3', '(97) r1 s%= 3'],
  ['r1 s>>= 3', '(c7) r1 s>>= 3'],
  ['w1 = -w1', '(84) w1 = -w1'],
  ['r1 = (s16)r2', '(bf) r1 = (s16)r2'],
  ['w1 = (s8)w2', '(bc) w1 = (s8)w2'],
  ['r1 = be16 r1', '(dc) r1 = be16 r1'],
  ['r1 = le64 r1', '(d4) r1 = le64 r1'],
  ['r1 = bswap32 r1', '(d7) r1 = bswap32 r1'],
  ['*(u32 *)(r10 - 4) = r1', '(63) *(u32 *)(r10 -4) = r1'],
  ['*(u64 *)(r1 + 0) = -1', '(7a) *(u64 *)(r1 +0) = -1'],
  ['r1 = *(u32 *)(r1 + 4)', '(61) r1 = *(u32 *)(r1 +4)'],
  ['r1 = *(s8 *)(r2 - 1)', '(91) r1 = *(s8 *)(r2 -1)'],
  ['lock *(u64 *)(r10 - 8) += r1', '(db) lock *(u64 *)(r10 -8) += r1'],
  ['lock *(u32 *)(r10 - 8) ^= w1', '(c3) lock *(u32 *)(r10 -8) ^= r1'],
  ['r0 = atomic_fetch_add((u64 *)(r10 - 8), r0)', '(db) r0 = atomic64_fetch_add((u64 *)(r10 -8), r0)'],
  ['w2 = atomic_fetch_or((u32 *)(r1 + 0), w2)', '(c3) r2 = atomic_fetch_or((u32 *)(r1 +0), r2)'],
  ['r2 = xchg_64(r1 + 8, r2)', '(db) r2 = atomic64_xchg((u64 *)(r1 +8), r2)'],
  ['r0 = cmpxchg_64(r1 + 8, r0, r2)', '(db) r0 = atomic64_cmpxchg((u64 *)(r1 +8), r0, r2)'],
  ['r0 = *(u16 *)skb[12]', '(28) r0 = *(u16 *)skb[12]'],
  ['r0 = *(u8 *)skb[r3]', '(50) r0 = *(u8 *)skb[r3 + 0]'],
  ['r1 = 0x1122334455667788 ll', '(18) r1 = 0x1122334455667788'],
  ['r1 = -1 ll', '(18) r1 = 0xffffffffffffffff'],
  ['ld_pseudo r1, 1, 3', '(18) r1 = map[id:3]'],
  ['call 1', '(85) call bpf_map_lookup_elem#1'],
  ['call 6', '(85) call bpf_trace_printk#6'],
  ['call 999', '(85) call unknown#999'],
  ['goto -3', '(05) goto pc-3'],
  ['gotol +70000', '(06) gotol pc+70000'],
  ['if r0 == 0 goto +1', '(15) if r0 == 0x0 goto pc+1'],
  ['if w1 s> -5 goto -1', '(66) if w1 s> 0xfffffffb goto pc-1'],
  ['if r1 & r2 goto +0', '(4d) if r1 & r2 goto pc+0'],
  ['exit', '(95) exit'],
];

describe('kernel xlated style', () => {
  it.each(have)('%s', (text, want) => {
    expect(formatInsn(assemble(text, { syntax: 'llvm' }).insns[0], { style: 'kernel' })).toBe(want);
  });

  it('prints local calls as pc-relative and asks the helper-name callback first', () => {
    expect(formatInsn({ kind: 'call', target: 'local', imm: 4 }, { style: 'kernel' })).toBe('(85) call pc+4');
    expect(
      formatInsn(
        { kind: 'call', target: 'helper', imm: 1002 },
        { style: 'kernel', helperName: (id) => (id === 1002 ? 'bpf_load_pointer' : undefined) },
      ),
    ).toBe('(85) call bpf_load_pointer#1002');
  });
});
