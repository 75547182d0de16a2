import { filterEx1Image, translateRfcImage } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { interpreter } from './interp/interpreter.js';
import { loadLinked } from './loader.js';
import { addressOf } from './memory.js';
import { newRuntime } from './testing/run.js';

/** The RFC's filter_ex1 end to end: draft image → RFC 9669 → the RFC helpers on host structs. */
describe('the 2013 RFC filter_ex1 on the interpreter', () => {
  function setup(devName: string) {
    const rt = newRuntime();
    const dev = rt.allocData(
      new TextEncoder().encode(`${devName}\0`.padEnd(16, '\0')),
      'net_device',
      'host',
      false,
    );
    const skbBytes = new Uint8Array(64);
    new DataView(skbBytes.buffer).setBigUint64(32, addressOf(dev.start), true); // skb->dev
    const skb = rt.allocData(skbBytes, 'sk_buff', 'host', false);
    const regs = new Uint8Array(168); // struct pt_regs; si at 104
    new DataView(regs.buffer).setBigUint64(104, addressOf(skb.start), true);
    const ctx = rt.allocData(regs, 'ctx', 'context', false);
    const prepared = interpreter.prepare(loadLinked(rt, translateRfcImage(filterEx1Image())));
    return { rt, prepared, ctx, skb, dev };
  }

  it('prints the skb and the device when the device is "lo"', () => {
    const { rt, prepared, ctx, skb, dev } = setup('lo');
    expect(prepared.run(ctx.start)).toBe(0n);
    expect(rt.printkLog).toEqual([
      `skb 0x${addressOf(skb.start).toString(16)} dev 0x${addressOf(dev.start).toString(16)} `,
    ]);
  });

  it('stays silent for another device', () => {
    const { rt, prepared, ctx } = setup('eth5');
    expect(prepared.run(ctx.start)).toBe(0n);
    expect(rt.printkLog).toEqual([]);
  });
});
