/**
 * The flow dissector's run as Linux's BPF_PROG_TEST_RUN does it: the packet from its Ethernet
 * header with no headroom, and `struct bpf_flow_keys` prepared by bpf_flow_dissect (n_proto
 * from the Ethernet header, nhoff = thoff = 14, ctx_in's flags); afterwards nhoff and thoff are
 * clamped into the packet and the keys are data_out. As in the test run there is no skb, so
 * bpf_skb_load_bytes reads nothing (-EFAULT): programs read the packet directly.
 */
import { addressOf } from '../memory.js';
import type { Runtime } from '../runtime.js';
import { badInput, PacketContext } from './context.js';
import { ETH_HLEN, FLOW_KEYS_SIZE, PACKET_CTX, PAGE_SIZE, SKB } from './layout.js';

/** Offsets in `struct bpf_flow_keys`. */
const KEYS = { nhoff: 0, thoff: 2, n_proto: 10, flags: 48 } as const;

export class FlowDissectorContext extends PacketContext {
  private readonly ctxIn: Uint8Array;

  constructor(runtime: Runtime, input: Uint8Array, ctxIn?: Uint8Array) {
    if (input.length < ETH_HLEN || input.length > PAGE_SIZE)
      badInput('EINVAL', `a flow_dissector packet is ${ETH_HLEN} to ${PAGE_SIZE} bytes, got ${input.length}`);
    const keys = new Uint8Array(FLOW_KEYS_SIZE);
    if (ctxIn) {
      if (ctxIn.subarray(FLOW_KEYS_SIZE).some((x) => x !== 0))
        badInput(
          'E2BIG',
          `bpf_flow_keys is ${FLOW_KEYS_SIZE} bytes; the context has non-zero bytes after them`,
        );
      keys.set(ctxIn.subarray(0, FLOW_KEYS_SIZE));
      if (keys.some((x, i) => x !== 0 && (i < KEYS.flags || i >= KEYS.flags + 4)))
        badInput('EINVAL', 'bpf_flow_keys: a test run takes only flags');
    }
    super(runtime, 'flow_dissector', 'flow_dissector', input.length, 0);
    this.ctxIn = keys;
    this.bytes.set(input);
    this.dataEnd = input.length;
    const k = this.ctx.start + PACKET_CTX.flow_dissector.keys;
    this.ctxSet64(SKB.flow_keys, addressOf(k));
  }

  get tailroom(): number {
    return this.buf.size - this.dataEnd;
  }

  /** bpf_flow_dissect's parameters, set before every run. */
  protected override beforeRun(): void {
    super.beforeRun();
    const keys = PACKET_CTX.flow_dissector.keys;
    const mem = this.runtime.memory;
    mem.bytes.fill(0, this.ctx.start + keys, this.ctx.start + keys + FLOW_KEYS_SIZE);
    const view = mem.view;
    const k = this.ctx.start + keys;
    view.setUint16(k + KEYS.n_proto, view.getUint16(this.at(12), true), true);
    view.setUint16(k + KEYS.nhoff, ETH_HLEN, true);
    view.setUint16(k + KEYS.thoff, ETH_HLEN, true);
    view.setUint32(k + KEYS.flags, new DataView(this.ctxIn.buffer).getUint32(KEYS.flags, true), true);
  }

  protected output(): { data: Uint8Array; ctx: Uint8Array } {
    const view = this.runtime.memory.view;
    const k = this.ctx.start + PACKET_CTX.flow_dissector.keys;
    const size = this.dataEnd;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const nhoff = clamp(view.getUint16(k + KEYS.nhoff, true), ETH_HLEN, size);
    view.setUint16(k + KEYS.nhoff, nhoff, true);
    view.setUint16(k + KEYS.thoff, clamp(view.getUint16(k + KEYS.thoff, true), nhoff, size), true);
    return { data: this.runtime.memory.read(k, FLOW_KEYS_SIZE), ctx: this.ctxIn.slice() };
  }
}
