/**
 * The XDP buffer as Linux 6.x's BPF_PROG_TEST_RUN builds it: one page (4096 bytes) with
 * XDP_PACKET_HEADROOM (256) in front of the packet, minus the metadata ctx_in asks for, and
 * room for `struct skb_shared_info` (320) at its end; the packet arrives on the loopback
 * device's queue 0. Linear buffers only (multi-buffer XDP — a packet larger than the page, or
 * ctx_in's data_end below the input's size — is refused). data_out runs from data_meta to
 * data_end, so it includes the metadata.
 */
import type { Runtime } from '../runtime.js';
import { badInput, PacketContext } from './context.js';
import {
  ETH_HLEN,
  PAGE_SIZE,
  SHARED_INFO_SIZE,
  XDP_FRAME_SIZE,
  XDP_MD,
  XDP_MD_SIZE,
  XDP_META_MAX,
  XDP_PACKET_HEADROOM,
} from './layout.js';

/** xdp_metalen_invalid: metadata is a multiple of 4 bytes, at most 255. */
export function xdpMetaLenInvalid(len: number): boolean {
  return len % 4 !== 0 || len > XDP_META_MAX;
}

export class XdpContext extends PacketContext {
  private readonly ctxIn: Uint8Array | undefined;

  constructor(runtime: Runtime, input: Uint8Array, ctxIn?: Uint8Array) {
    const ctx = ctxIn ? readCtxIn(ctxIn) : undefined;
    const meta = ctx ? ctx.getUint32(XDP_MD.data, true) : 0;
    if (ctx) {
      const dataEnd = ctx.getUint32(XDP_MD.data_end, true);
      if (ctx.getUint32(XDP_MD.data_meta, true) !== 0 || dataEnd > input.length || meta > dataEnd)
        badInput(
          'EINVAL',
          `xdp_md: data_meta must be 0 and data ≤ data_end ≤ the packet's ${input.length} bytes`,
        );
      if (xdpMetaLenInvalid(meta))
        badInput('EINVAL', `xdp_md: data ${meta} (metadata) is not a multiple of 4 up to 252`);
      if (dataEnd < input.length)
        badInput(
          'EINVAL',
          'xdp_md: data_end below the input size asks for a multi-buffer packet, which tbpf does not build',
        );
      if (ctx.getUint32(XDP_MD.egress_ifindex, true) !== 0)
        badInput('EINVAL', 'xdp_md: egress_ifindex must be 0');
      if (
        ctx.getUint32(XDP_MD.ingress_ifindex, true) === 0 &&
        ctx.getUint32(XDP_MD.rx_queue_index, true) !== 0
      )
        badInput('EINVAL', 'xdp_md: rx_queue_index needs an ingress_ifindex');
    }
    const headroom = XDP_PACKET_HEADROOM - meta;
    const max = PAGE_SIZE - headroom - SHARED_INFO_SIZE;
    if (input.length - meta < ETH_HLEN || input.length > max)
      badInput(
        'EINVAL',
        `an xdp packet is ${ETH_HLEN} to ${max} bytes (one page), got ${input.length - meta}`,
      );
    super(runtime, 'xdp', 'xdp', PAGE_SIZE, headroom);
    this.ctxIn = ctx ? new Uint8Array(ctx.buffer) : undefined;
    this.bytes.set(input, headroom);
    this.dataMeta = headroom;
    this.data = headroom + meta;
    this.dataEnd = headroom + input.length;
    const ingress = ctx ? ctx.getUint32(XDP_MD.ingress_ifindex, true) : 0;
    this.ctxSet32(XDP_MD.ingress_ifindex, ingress || 1);
    this.ctxSet32(XDP_MD.rx_queue_index, ctx ? ctx.getUint32(XDP_MD.rx_queue_index, true) : 0);
    this.syncPointers();
  }

  /** The end of the frame a packet may grow into (xdp_data_hard_end). */
  get tailroom(): number {
    return PAGE_SIZE - SHARED_INFO_SIZE - this.dataEnd;
  }

  /** Where data_meta (and data) may move back to: past the xdp_frame at the buffer's start. */
  get frameEnd(): number {
    return XDP_FRAME_SIZE;
  }

  /** xdp_get_metalen. */
  get metaLen(): number {
    return this.data - this.dataMeta;
  }

  protected output(): { data: Uint8Array; ctx: Uint8Array } {
    const data = this.bytes.slice(this.dataMeta, this.dataEnd);
    const ctx = this.ctxIn ? this.ctxIn.slice() : new Uint8Array(XDP_MD_SIZE);
    const view = new DataView(ctx.buffer);
    view.setUint32(XDP_MD.data, this.data - this.dataMeta, true);
    view.setUint32(XDP_MD.data_end, this.dataEnd - this.dataMeta, true);
    return { data, ctx };
  }
}

function readCtxIn(ctxIn: Uint8Array): DataView {
  if (ctxIn.subarray(XDP_MD_SIZE).some((x) => x !== 0))
    badInput('E2BIG', `an xdp_md is ${XDP_MD_SIZE} bytes; the context has non-zero bytes after them`);
  const bytes = new Uint8Array(XDP_MD_SIZE);
  bytes.set(ctxIn.subarray(0, XDP_MD_SIZE));
  return new DataView(bytes.buffer);
}
