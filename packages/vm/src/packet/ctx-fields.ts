/**
 * Packet contexts by field name: the ctx_in a caller gives as `{ mark: 5, cb: [1, 2] }` turned
 * into the UAPI struct's bytes, and ctx_out bytes turned back into named fields. Names are
 * the UAPI's (`struct __sk_buff`, `struct xdp_md`, `struct bpf_flow_keys`).
 */
import { VmError } from '../errors.js';
import {
  FLOW_KEYS_SIZE,
  type PacketKind,
  SKB,
  SKB_CB_SIZE,
  SKB_SIZE,
  XDP_MD,
  XDP_MD_SIZE,
} from './layout.js';

/** A field's value: a number (u32), a bigint (u64 fields), or an array of u32s (`cb`). */
export type PacketCtxValue = number | bigint | readonly number[];
export type PacketCtxFields = Readonly<Record<string, PacketCtxValue>>;

interface FieldDef {
  off: number;
  /** Bytes; an array field is `size / 4` u32s. */
  size: number;
  array?: boolean;
}

/** The fields of each kind's context struct that callers read or write by name. */
const FIELDS: Record<PacketKind, { size: number; fields: Record<string, FieldDef> }> = {
  skb: {
    size: SKB_SIZE,
    fields: {
      mark: { off: SKB.mark, size: 4 },
      priority: { off: SKB.priority, size: 4 },
      ingress_ifindex: { off: SKB.ingress_ifindex, size: 4 },
      ifindex: { off: SKB.ifindex, size: 4 },
      cb: { off: SKB.cb, size: SKB_CB_SIZE, array: true },
      tstamp: { off: SKB.tstamp, size: 8 },
      wire_len: { off: SKB.wire_len, size: 4 },
      gso_segs: { off: SKB.gso_segs, size: 4 },
      gso_size: { off: SKB.gso_size, size: 4 },
      hwtstamp: { off: SKB.hwtstamp, size: 8 },
    },
  },
  xdp: {
    size: XDP_MD_SIZE,
    fields: {
      data: { off: XDP_MD.data, size: 4 },
      data_end: { off: XDP_MD.data_end, size: 4 },
      data_meta: { off: XDP_MD.data_meta, size: 4 },
      ingress_ifindex: { off: XDP_MD.ingress_ifindex, size: 4 },
      rx_queue_index: { off: XDP_MD.rx_queue_index, size: 4 },
      egress_ifindex: { off: XDP_MD.egress_ifindex, size: 4 },
    },
  },
  flow_dissector: {
    size: FLOW_KEYS_SIZE,
    fields: {
      nhoff: { off: 0, size: 2 },
      thoff: { off: 2, size: 2 },
      addr_proto: { off: 4, size: 2 },
      is_frag: { off: 6, size: 1 },
      is_first_frag: { off: 7, size: 1 },
      is_encap: { off: 8, size: 1 },
      ip_proto: { off: 9, size: 1 },
      n_proto: { off: 10, size: 2 },
      sport: { off: 12, size: 2 },
      dport: { off: 14, size: 2 },
      ipv4_src: { off: 16, size: 4 },
      ipv4_dst: { off: 20, size: 4 },
      flags: { off: 48, size: 4 },
      flow_label: { off: 52, size: 4 },
    },
  },
};

/** The names `kind`'s context takes. */
export function packetCtxFieldNames(kind: PacketKind): string[] {
  return Object.keys(FIELDS[kind].fields);
}

/** `fields` as the context struct's bytes (unnamed bytes zero). Unknown names or bad values: VmError('packet'). */
export function encodePacketCtx(kind: PacketKind, fields: PacketCtxFields): Uint8Array {
  const { size, fields: defs } = FIELDS[kind];
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  for (const [name, value] of Object.entries(fields)) {
    const def = defs[name];
    if (!def)
      throw new VmError(
        'packet',
        `no context field '${name}' (fields: ${packetCtxFieldNames(kind).join(', ')})`,
      );
    const values = Array.isArray(value) ? value : [value];
    if (def.array ? values.length > def.size / 4 : Array.isArray(value))
      throw new VmError(
        'packet',
        `context field '${name}' takes ${def.array ? `up to ${def.size / 4} u32s` : 'one value'}`,
      );
    values.forEach((v, i) => {
      const max = def.array ? 2 ** 32 : 2 ** (8 * def.size);
      const n = typeof v === 'bigint' ? v : BigInt(v as number);
      if (n < 0n || n >= BigInt(max) || (typeof v === 'number' && !Number.isInteger(v)))
        throw new VmError(
          'packet',
          `context field '${name}': ${v} is not an unsigned ${def.array ? 32 : 8 * def.size}-bit value`,
        );
      const at = def.off + 4 * i;
      if (def.size === 8) view.setBigUint64(at, n, true);
      else if (def.size === 4 || def.array) view.setUint32(at, Number(n), true);
      else if (def.size === 2) view.setUint16(at, Number(n), true);
      else view.setUint8(at, Number(n));
    });
  }
  return bytes;
}

/** The named fields of a context struct's bytes (ctx_out): u64 fields as bigints, cb as u32s. */
export function decodePacketCtx(kind: PacketKind, bytes: Uint8Array): Record<string, PacketCtxValue> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, PacketCtxValue> = {};
  for (const [name, def] of Object.entries(FIELDS[kind].fields)) {
    if (def.off + def.size > bytes.length) continue;
    if (def.array)
      out[name] = Array.from({ length: def.size / 4 }, (_, i) => view.getUint32(def.off + 4 * i, true));
    else if (def.size === 8) out[name] = view.getBigUint64(def.off, true);
    else if (def.size === 4) out[name] = view.getUint32(def.off, true);
    else if (def.size === 2) out[name] = view.getUint16(def.off, true);
    else out[name] = view.getUint8(def.off);
  }
  return out;
}
