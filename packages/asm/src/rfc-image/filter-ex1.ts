/**
 * The RFC's filter_ex1 (tools/bpf/trace/filter_ex1.c in the v1 patch set), rebuilt from its
 * source and the digest's description (DESIGN.md §6; digest §6.3): on `netif_receive_skb`,
 * print the skb and device when the device is "lo".
 *
 *   skb = (struct sk_buff *)ctx->regs.si;
 *   dev = bpf_load_pointer(&skb->dev);
 *   if (bpf_memcmp(dev->name, "lo", 2) == 0)
 *       bpf_trace_printk("skb %p dev %p \n", sizeof fmt, skb, dev, 0);
 *
 * 24 draft instructions; `skb->dev` at +32, `dev->name` at +0; "lo" built at fp-20 with one
 * `ST W` (28524), the format at fp-16 with four; helpers at string-table offsets 1, 18, 29;
 * strtab 46 bytes; image 16 + 192 + 46 = 254 bytes.
 */
import { type DraftInsn, draft } from './draft-insn.js';
import { writeRfcImage } from './image.js';

/** Little-endian u32 of four characters, as the v1 compiler stored string pieces. */
function chars(s: string): number {
  const b = new TextEncoder().encode(s.padEnd(4, '\0'));
  return new DataView(b.buffer).getInt32(0, true);
}

export const FILTER_EX1_HELPERS = ['bpf_load_pointer', 'bpf_memcmp', 'bpf_trace_printk'];

export const FILTER_EX1: DraftInsn[] = [
  draft.ldx(8, 6, 1, 104), //          0: r6 = ctx->regs.si (skb)
  draft.movReg(1, 6), //               1: r1 = skb
  draft.addImm(1, 32), //              2: r1 = &skb->dev
  draft.call('bpf_load_pointer'), //   3: r0 = *(&skb->dev)
  draft.movReg(7, 0), //               4: r7 = dev
  draft.st(4, 10, -20, chars('lo')), // 5: fp-20 = "lo\0\0" (28524)
  draft.movReg(1, 7), //               6: r1 = dev->name (offset 0)
  draft.movReg(2, 10), //              7: r2 = fp
  draft.addImm(2, -20), //             8: r2 = fp-20 ("lo")
  draft.movImm(3, 2), //               9: r3 = 2
  draft.call('bpf_memcmp'), //        10: r0 = memcmp(dev->name, "lo", 2)
  draft.jmpImm('jne', 0, 0, 11), //   11: if r0 != 0 goto 23 (ret)
  draft.st(4, 10, -16, chars('skb ')), // 12: fmt[0..3]
  draft.st(4, 10, -12, chars('%p d')), // 13: fmt[4..7]
  draft.st(4, 10, -8, chars('ev %')), //  14: fmt[8..11]
  draft.st(4, 10, -4, chars('p \n')), //  15: fmt[12..15] (with the NUL)
  draft.movReg(1, 10), //             16: r1 = fp
  draft.addImm(1, -16), //            17: r1 = fp-16 (fmt)
  draft.movImm(2, 16), //             18: r2 = sizeof fmt
  draft.movReg(3, 6), //              19: r3 = skb
  draft.movReg(4, 7), //              20: r4 = dev
  draft.movImm(5, 0), //              21: r5 = 0
  draft.call('bpf_trace_printk'), //  22: trace_printk(fmt, 16, skb, dev, 0)
  draft.ret(), //                     23: ret
];

/** filter_ex1 as a 254-byte draft image. */
export function filterEx1Image(): Uint8Array {
  return writeRfcImage({ insns: FILTER_EX1, helpers: FILTER_EX1_HELPERS });
}
