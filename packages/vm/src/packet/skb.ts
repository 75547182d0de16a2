/**
 * The socket buffer of skb program types (socket_filter, sched_cls/act, cgroup_skb, lwt_*,
 * sk_skb) as Linux 6.x's BPF_PROG_TEST_RUN builds it (net/bpf/test_run.c), and the operations
 * its helpers perform on it (net/core/filter.c, skbuff.c) — linear skbs only.
 *
 * Setup: 64 bytes of headroom (NET_SKB_PAD + NET_IP_ALIGN), the input, tailroom;
 * eth_type_trans on the loopback device (protocol and pkt_type from the Ethernet header, the
 * 14-byte header pulled); a socket whose family and addresses come from the IP header. tc
 * programs (sched_cls/act) see the packet from the MAC header, the others from the network
 * header; afterwards those get 14 zero bytes in front again, as the kernel's data_out has.
 */
import { EINVAL, ENOMEM } from '../errors.js';
import { addressOf } from '../memory.js';
import type { Runtime } from '../runtime.js';
import { badInput, PacketContext } from './context.js';
import {
  AF_INET,
  AF_INET6,
  BPF_SOCK,
  ETH_HLEN,
  ETH_P_8021AD,
  ETH_P_8021Q,
  ETH_P_IP,
  ETH_P_IPV6,
  PACKET_CTX,
  PAGE_SIZE,
  SHARED_INFO_SIZE,
  SKB,
  SKB_CB_SIZE,
  SKB_HEADROOM,
  SKB_SIZE,
} from './layout.js';

/** Network byte order of a 16-bit value, as a little-endian load of it reads (htons). */
export const htons = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

const PACKET_HOST = 0;
const PACKET_BROADCAST = 1;
const PACKET_MULTICAST = 2;
const PACKET_OTHERHOST = 3;
/** skb->ip_summed values. */
const CHECKSUM_NONE = 0;
const CHECKSUM_UNNECESSARY = 1;
const SKB_MAX_CSUM_LEVEL = 3;
/** TCP_CLOSE: the state sock_init_data gives the test run's socket. */
const TCP_CLOSE = 7;
/** Largest wire_len / gso_segs a context may carry (GSO_LEGACY_MAX_SIZE, GSO_MAX_SEGS). */
const GSO_LEGACY_MAX_SIZE = 65536;
const GSO_MAX_SEGS = 65535;
/** The loopback device's ifindex: where test-run packets arrive. */
const LOOPBACK_IFINDEX = 1;
const VLAN_HLEN = 4;
/** Fields of `struct __sk_buff` a test run takes from ctx_in (the rest must be zero). */
const CTX_IN_FIELDS: readonly [number, number][] = [
  [SKB.mark, 4],
  [SKB.priority, 4],
  [SKB.ingress_ifindex, 4],
  [SKB.ifindex, 4],
  [SKB.cb, SKB_CB_SIZE],
  [SKB.tstamp, 8],
  [SKB.wire_len, 4],
  [SKB.gso_segs, 4],
  [SKB.gso_size, 4],
  [SKB.hwtstamp, 8],
];
/** ctx_out: the fields a test run writes back. */
const CTX_OUT_FIELDS: readonly [number, number][] = [
  [SKB.mark, 4],
  [SKB.priority, 4],
  [SKB.ingress_ifindex, 4],
  [SKB.ifindex, 4],
  [SKB.tstamp, 8],
  [SKB.cb, SKB_CB_SIZE],
  [SKB.wire_len, 4],
  [SKB.gso_segs, 4],
  [SKB.hwtstamp, 8],
];
/** The program types whose test run starts at the MAC header (the rest: at the network header). */
const L2_TYPES = new Set(['sched_cls', 'sched_act']);

/** The flow hash's key (Linux's is random per boot, so no two machines agree on a hash). */
const FLOW_HASH_SEED = 0x7462_7066;

/** A 32-bit flow hash of the packet's addresses, protocol and ports (FNV-1a, seeded). */
function flowHash(bytes: Uint8Array, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h || 1;
}

export class SkbContext extends PacketContext {
  /** Header offsets from the buffer start (-1: not set). */
  mac: number;
  network: number;
  transport = -1;
  /** skb->mac_len. */
  macLen = 0;
  /** skb->protocol as a little-endian load of the big-endian field reads it. */
  protocol: number;
  pktType: number;
  vlanPresent = false;
  vlanTci = 0;
  /** skb->vlan_proto, raw as `protocol`. */
  vlanProto = 0;
  hash = 0;
  l4Hash = false;
  swHash = false;
  ipSummed = CHECKSUM_NONE;
  csumLevel = 0;
  encapsulation = false;
  private readonly l2: boolean;
  private readonly ctxIn: Uint8Array;

  constructor(runtime: Runtime, programType: string, input: Uint8Array, ctxIn?: Uint8Array) {
    const max = PAGE_SIZE - SKB_HEADROOM - SHARED_INFO_SIZE;
    if (input.length < ETH_HLEN || input.length > max)
      badInput('EINVAL', `a ${programType} packet is ${ETH_HLEN} to ${max} bytes, got ${input.length}`);
    const ctx = checkCtxIn(ctxIn, input, programType);
    super(runtime, 'skb', programType, PAGE_SIZE, SKB_HEADROOM);
    this.ctxIn = ctx;
    this.l2 = L2_TYPES.has(programType);
    this.bytes.set(input, this.data);
    this.dataEnd = this.data + input.length;
    // eth_type_trans on the loopback device (address 00:00:00:00:00:00).
    this.mac = this.data;
    const b = this.bytes;
    const dest = b.subarray(this.mac, this.mac + 6);
    this.pktType = dest.every((x) => x === 0)
      ? PACKET_HOST
      : dest[0] & 1
        ? dest.every((x) => x === 0xff)
          ? PACKET_BROADCAST
          : PACKET_MULTICAST
        : PACKET_OTHERHOST;
    this.data += ETH_HLEN;
    const proto = (b[this.mac + 12] << 8) | b[this.mac + 13];
    this.protocol = htons(
      proto >= 0x0600 ? proto : this.len >= 2 && b[this.data] === 0xff && b[this.data + 1] === 0xff ? 1 : 4,
    );
    this.network = this.data;
    if (this.l2) this.data -= ETH_HLEN;
    this.dataMeta = this.data;
    this.initCtx(ctx);
    this.sync();
  }

  /** skb->len (the skb is linear: all of it is in the head). */
  get len(): number {
    return this.dataEnd - this.data;
  }

  get tailroom(): number {
    return this.buf.size - SHARED_INFO_SIZE - this.dataEnd;
  }

  protected override shiftOffsets(shift: number): void {
    super.shiftOffsets(shift);
    this.mac += shift;
    this.network += shift;
    if (this.transport >= 0) this.transport += shift;
  }

  private initCtx(ctx: Uint8Array): void {
    const view = new DataView(ctx.buffer, ctx.byteOffset, ctx.byteLength);
    const u32 = (off: number) => view.getUint32(off, true);
    const len = this.len;
    const wireLen = u32(SKB.wire_len);
    const mem = this.runtime.memory.bytes;
    for (const [off, size] of CTX_IN_FIELDS) mem.set(ctx.subarray(off, off + size), this.ctx.start + off);
    this.ctxSet32(SKB.ifindex, Math.max(LOOPBACK_IFINDEX, u32(SKB.ifindex)));
    this.ctxSet32(SKB.wire_len, wireLen || len);
    // The test run's socket: AF_INET/AF_INET6 with the packet's addresses, else AF_UNSPEC.
    const sock = PACKET_CTX.skb.sock;
    const b = this.bytes;
    const ip = this.network;
    const copyAddr = (at: number, to: number, n: number) =>
      mem.set(b.subarray(at, at + n), this.ctx.start + to);
    let family = 0;
    if (this.protocol === htons(ETH_P_IP)) {
      family = AF_INET;
      if (this.dataEnd - ip >= 20) {
        copyAddr(ip + 12, sock + BPF_SOCK.src_ip4, 4);
        copyAddr(ip + 16, sock + BPF_SOCK.dst_ip4, 4);
        copyAddr(ip + 12, SKB.local_ip4, 4);
        copyAddr(ip + 16, SKB.remote_ip4, 4);
      }
    } else if (this.protocol === htons(ETH_P_IPV6)) {
      family = AF_INET6;
      if (this.dataEnd - ip >= 40) {
        copyAddr(ip + 8, sock + BPF_SOCK.src_ip6, 16);
        copyAddr(ip + 24, sock + BPF_SOCK.dst_ip6, 16);
        copyAddr(ip + 8, SKB.local_ip6, 16);
        copyAddr(ip + 24, SKB.remote_ip6, 16);
      }
    }
    this.ctxSet32(SKB.family, family);
    this.ctxSet32(sock + BPF_SOCK.family, family);
    this.ctxSet32(sock + BPF_SOCK.state, TCP_CLOSE);
    this.ctxSet32(sock + BPF_SOCK.rx_queue_mapping, 0xffffffff);
    this.ctxSet64(SKB.sk, addressOf(this.ctx.start + sock));
  }

  /** Write what the program reads of the skb's state into its `__sk_buff`. */
  sync(): void {
    this.syncPointers();
    this.ctxSet32(SKB.len, this.len);
    this.ctxSet32(SKB.pkt_type, this.pktType);
    this.ctxSet32(SKB.protocol, this.protocol);
    this.ctxSet32(SKB.vlan_present, this.vlanPresent ? 1 : 0);
    this.ctxSet32(SKB.vlan_tci, this.vlanTci);
    this.ctxSet32(SKB.vlan_proto, this.vlanProto);
    this.ctxSet32(SKB.hash, this.hash);
  }

  protected output(): { data: Uint8Array; ctx: Uint8Array } {
    if (!this.l2) {
      this.expand(ETH_HLEN, 0);
      this.data -= ETH_HLEN;
      this.bytes.fill(0, this.data, this.data + ETH_HLEN);
    }
    const data = this.bytes.slice(this.data, this.dataEnd);
    if (!this.l2) this.data += ETH_HLEN;
    const ctx = this.ctxIn.slice();
    const mem = this.runtime.memory.bytes;
    for (const [off, size] of CTX_OUT_FIELDS)
      ctx.set(mem.subarray(this.ctx.start + off, this.ctx.start + off + size), off);
    return { data, ctx };
  }

  // ---- helpers' building blocks --------------------------------------------------------

  /** skb_ensure_writable: the first `n` bytes are in the (linear) head. */
  writable(n: number): boolean {
    return n <= this.len;
  }

  /** skb_header_pointer: `len` bytes at `offset` from data, or undefined. */
  read(offset: number, len: number): Uint8Array | undefined {
    if (offset < 0 || offset + len > this.len) return undefined;
    return this.bytes.subarray(this.data + offset, this.data + offset + len);
  }

  /** skb_clear_hash. */
  clearHash(): void {
    this.hash = 0;
    this.l4Hash = this.swHash = false;
    this.sync();
  }

  /** __skb_set_sw_hash(skb, hash, true). */
  setHash(hash: number): void {
    this.hash = hash >>> 0;
    this.l4Hash = this.swHash = true;
    this.sync();
  }

  /** skb_get_hash: the stored hash, or one computed from the flow (then stored). */
  getHash(): number {
    if (!this.l4Hash && !this.swHash) {
      this.hash = flowHash(this.flowKey(), FLOW_HASH_SEED);
      this.swHash = true;
      this.sync();
    }
    return this.hash;
  }

  /** Addresses, protocol and ports of an IPv4/IPv6 packet (what the flow hash covers). */
  private flowKey(): Uint8Array {
    const b = this.bytes;
    const ip = this.network;
    const end = this.dataEnd;
    if (this.protocol === htons(ETH_P_IP) && end - ip >= 20) {
      const ihl = (b[ip] & 0xf) * 4;
      const proto = b[ip + 9];
      const ports = end - ip >= ihl + 4 ? b.subarray(ip + ihl, ip + ihl + 4) : new Uint8Array(4);
      return Uint8Array.of(...b.subarray(ip + 12, ip + 20), proto, ...ports);
    }
    if (this.protocol === htons(ETH_P_IPV6) && end - ip >= 40) {
      const ports = end - ip >= 44 ? b.subarray(ip + 40, ip + 44) : new Uint8Array(4);
      return Uint8Array.of(...b.subarray(ip + 8, ip + 40), b[ip + 6], ...ports);
    }
    return Uint8Array.of(this.protocol & 0xff, this.protocol >>> 8);
  }

  /** bpf_csum_level. */
  csumLevelOp(level: number): number {
    switch (level) {
      case 1: // INC
        if (this.ipSummed === CHECKSUM_UNNECESSARY) {
          if (this.csumLevel < SKB_MAX_CSUM_LEVEL) this.csumLevel++;
        } else if (this.ipSummed === CHECKSUM_NONE) {
          this.ipSummed = CHECKSUM_UNNECESSARY;
          this.csumLevel = 0;
        }
        return 0;
      case 2: // DEC
        if (this.ipSummed === CHECKSUM_UNNECESSARY) {
          if (this.csumLevel === 0) this.ipSummed = CHECKSUM_NONE;
          else this.csumLevel--;
        }
        return 0;
      case 3: // RESET
        this.resetChecksumUnnecessary();
        return 0;
      case 0: // QUERY
        return this.ipSummed === CHECKSUM_UNNECESSARY ? this.csumLevel : -13; // -EACCES
      default:
        return -EINVAL;
    }
  }

  /** __skb_reset_checksum_unnecessary. */
  resetChecksumUnnecessary(): void {
    if (this.ipSummed === CHECKSUM_UNNECESSARY) {
      this.ipSummed = CHECKSUM_NONE;
      this.csumLevel = 0;
    }
  }

  /** skb_push(n) with the headroom made first; the new bytes are not initialised. */
  push(n: number): void {
    this.expand(n, 0);
    this.data -= n;
    this.dataMeta = this.data;
  }

  /** __skb_pull(n). */
  pull(n: number): void {
    this.data += n;
    this.dataMeta = this.data;
  }

  /** Grow (zero-filled) or trim the packet's tail to `newLen` bytes. */
  setLength(newLen: number): void {
    const old = this.len;
    if (newLen > old) {
      this.expand(0, newLen - old);
      this.bytes.fill(0, this.dataEnd, this.data + newLen);
    }
    this.dataEnd = this.data + newLen;
  }

  /** bpf_skb_generic_push: `len` zero bytes inserted `off` bytes after data. */
  insertAt(off: number, len: number): void {
    this.push(len);
    const b = this.bytes;
    b.copyWithin(this.data, this.data + len, this.data + len + off);
    b.fill(0, this.data + off, this.data + off + len);
  }

  /** bpf_skb_generic_pop: `len` bytes removed `off` bytes after data (false: too short). */
  removeAt(off: number, len: number): boolean {
    if (off + len > this.len) return false;
    const old = this.data;
    this.pull(len);
    this.bytes.copyWithin(this.data, old, old + off);
    return true;
  }

  /** skb_vlan_push. */
  vlanPush(proto: number, tci: number): number {
    if (this.vlanPresent) {
      if (this.data !== this.mac) return -EINVAL;
      // __vlan_insert_tag: 4 bytes after the MAC addresses hold the current hw-accel tag.
      this.push(VLAN_HLEN);
      const b = this.bytes;
      b.copyWithin(this.data, this.data + VLAN_HLEN, this.data + VLAN_HLEN + 12);
      b[this.data + 12] = this.vlanProto & 0xff;
      b[this.data + 13] = this.vlanProto >>> 8;
      b[this.data + 14] = this.vlanTci >>> 8;
      b[this.data + 15] = this.vlanTci & 0xff;
      this.mac -= VLAN_HLEN;
      this.protocol = this.vlanProto;
      this.network -= VLAN_HLEN;
    }
    this.vlanPresent = true;
    this.vlanProto = proto;
    this.vlanTci = tci & 0xffff;
    this.macLen = this.network - this.mac;
    this.sync();
    return 0;
  }

  /** skb_vlan_pop. */
  vlanPop(): number {
    if (this.vlanPresent) {
      this.vlanPresent = false;
      this.vlanTci = 0;
    } else {
      if (!isVlan(this.protocol)) return 0;
      const err = this.vlanPopInPacket();
      if (err) return err;
    }
    if (isVlan(this.protocol)) {
      const proto = this.protocol;
      const tci = this.read(ETH_HLEN, 2);
      const err = this.vlanPopInPacket();
      if (err) return err;
      this.vlanPresent = true;
      this.vlanProto = proto;
      this.vlanTci = tci ? (tci[0] << 8) | tci[1] : 0;
    }
    this.sync();
    return 0;
  }

  /** __skb_vlan_pop: remove the VLAN header that follows the MAC addresses. */
  private vlanPopInPacket(): number {
    if (this.data !== this.mac) return -EINVAL;
    if (!this.writable(ETH_HLEN + VLAN_HLEN)) return -ENOMEM;
    const b = this.bytes;
    const encap = b[this.data + 16] | (b[this.data + 17] << 8);
    b.copyWithin(this.data + VLAN_HLEN, this.data, this.data + 12);
    this.pull(VLAN_HLEN);
    const host = htons(encap);
    this.protocol =
      host >= 0x0600 ? encap : b[this.data + 14] === 0xff && b[this.data + 15] === 0xff ? htons(1) : htons(4);
    this.mac += VLAN_HLEN;
    if (this.network - this.data < ETH_HLEN) this.network = this.data + ETH_HLEN;
    this.macLen = this.network - this.mac;
    return 0;
  }
}

/** eth_type_vlan: 802.1Q or 802.1ad (raw, as `protocol`). */
export function isVlan(protocol: number): boolean {
  return protocol === htons(ETH_P_8021Q) || protocol === htons(ETH_P_8021AD);
}

/**
 * Check the input as BPF_PROG_TEST_RUN does before running: an IPv4/IPv6 packet holds its
 * network header; ctx_in sets only the fields convert___skb_to_skb takes, within their limits.
 * Returns ctx_in as 192 bytes.
 */
function checkCtxIn(ctxIn: Uint8Array | undefined, input: Uint8Array, programType: string): Uint8Array {
  const proto = (input[12] << 8) | input[13];
  const ipHeader = proto === ETH_P_IP ? 20 : proto === ETH_P_IPV6 ? 40 : 0;
  if (input.length - ETH_HLEN < ipHeader)
    badInput('EINVAL', `the packet's ${ipHeader === 20 ? 'IPv4' : 'IPv6'} header needs ${ipHeader} bytes`);
  const ctx = new Uint8Array(SKB_SIZE);
  if (!ctxIn) return ctx;
  if (ctxIn.subarray(SKB_SIZE).some((x) => x !== 0))
    badInput('E2BIG', `a __sk_buff is ${SKB_SIZE} bytes; the context has non-zero bytes after them`);
  ctx.set(ctxIn.subarray(0, SKB_SIZE));
  const allowed = new Uint8Array(SKB_SIZE);
  for (const [off, size] of CTX_IN_FIELDS) allowed.fill(1, off, off + size);
  const bad = ctx.findIndex((x, i) => x !== 0 && !allowed[i]);
  if (bad >= 0)
    badInput(
      'EINVAL',
      `__sk_buff byte ${bad} is set; a test run takes only mark, priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and hwtstamp`,
    );
  const view = new DataView(ctx.buffer);
  const wireLen = view.getUint32(SKB.wire_len, true);
  const len = input.length - (L2_TYPES.has(programType) ? 0 : ETH_HLEN);
  if (wireLen !== 0 && (wireLen < len || wireLen > GSO_LEGACY_MAX_SIZE))
    badInput('EINVAL', `wire_len ${wireLen} is below the packet's length ${len} or above 65536`);
  const segs = view.getUint32(SKB.gso_segs, true);
  if (segs > GSO_MAX_SEGS) badInput('EINVAL', `gso_segs ${segs} is above 65535`);
  return ctx;
}
