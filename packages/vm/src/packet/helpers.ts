/**
 * The packet helpers over the packet contexts of ./context.ts: argument checks and return
 * values as net/core/filter.c has them (Linux 6.x), the work done by the contexts. The
 * context argument (r1) must be a live packet context of the right kind; anything else stops
 * the program with VmError('helper-failed') — a verified program never passes one.
 */
import { EFAULT, EINVAL, ENOMEM, VmError } from '../errors.js';
import { required } from '../helpers/args.js';
import { HELPER } from '../helpers/ids.js';
import { LINUX_HELPER_PROTOTYPES } from '../helpers/linux-prototypes.js';
import type { HelperPrototype } from '../helpers/prototype.js';
import type { HelperCall, HelperFn } from '../helpers/registry.js';
import { MAP_TYPE } from '../maps/create.js';
import { RedirectMap } from '../maps/redirect-map.js';
import {
  csumPartial,
  csumReplace2,
  csumReplace4,
  csumReplaceByDiff,
  csumSub,
  from32to16,
} from './checksum.js';
import type { PacketContext } from './context.js';
import {
  ETH_HLEN,
  ETH_P_8021AD,
  ETH_P_8021Q,
  ETH_P_IP,
  ETH_P_IPV6,
  SKB_MAX_ALLOC,
  TC_ACT_REDIRECT,
  TC_ACT_SHOT,
  XDP_ABORTED,
  XDP_REDIRECT,
} from './layout.js';
import { htons, SkbContext } from './skb.js';
import { XdpContext, xdpMetaLenInvalid } from './xdp.js';

/** Linux's internal ENOTSUPP (not EOPNOTSUPP), which several skb helpers return. */
const ENOTSUPP = 524;
const EALREADY = 114;
const INT_MAX = 0x7fffffff;
const BPF_F_INGRESS = 1;
/** skb_store_bytes flags. */
const BPF_F_RECOMPUTE_CSUM = 1;
const BPF_F_INVALIDATE_HASH = 2;
/** l3/l4_csum_replace flags. */
const BPF_F_HDR_FIELD_MASK = 0xf;
const BPF_F_PSEUDO_HDR = 1 << 4;
const BPF_F_MARK_MANGLED_0 = 1 << 5;
const BPF_F_MARK_ENFORCE = 1 << 6;
const BPF_F_IPV6 = 1 << 7;
/** skb_adjust_room flags and modes. */
const ADJ_ROOM = {
  FIXED_GSO: 1 << 0,
  ENCAP_L3_IPV4: 1 << 1,
  ENCAP_L3_IPV6: 1 << 2,
  ENCAP_L4_GRE: 1 << 3,
  ENCAP_L4_UDP: 1 << 4,
  NO_CSUM_RESET: 1 << 5,
  ENCAP_L2_ETH: 1 << 6,
  DECAP_L3_IPV4: 1 << 7,
  DECAP_L3_IPV6: 1 << 8,
} as const;
const ENCAP_L3_MASK = ADJ_ROOM.ENCAP_L3_IPV4 | ADJ_ROOM.ENCAP_L3_IPV6;
const DECAP_L3_MASK = ADJ_ROOM.DECAP_L3_IPV4 | ADJ_ROOM.DECAP_L3_IPV6;
/** BPF_F_ADJ_ROOM_MASK (without the inner MAC length in bits 56-63) | NO_CSUM_RESET. */
const ADJ_ROOM_FLAGS = 0x1ff;
const BPF_ADJ_ROOM_NET = 0;
const BPF_ADJ_ROOM_MAC = 1;
const BPF_HDR_START_MAC = 0;
const BPF_HDR_START_NET = 1;
/** sizeof(struct bpf_redir_neigh). */
const REDIR_NEIGH_SIZE = 20;

function contextOf(call: HelperCall): PacketContext {
  const ctx = call.runtime.packets.get(call.offset(1));
  if (!ctx) {
    throw new VmError('helper-failed', `r1 (0x${call.u64(1).toString(16)}) is not a packet context`, call.pc);
  }
  return ctx;
}

function skbOf(call: HelperCall): SkbContext {
  const ctx = contextOf(call);
  if (!(ctx instanceof SkbContext)) throw new VmError('helper-failed', `r1 is not an skb context`, call.pc);
  return ctx;
}

function xdpOf(call: HelperCall): XdpContext {
  const ctx = contextOf(call);
  if (!(ctx instanceof XdpContext)) throw new VmError('helper-failed', `r1 is not an xdp context`, call.pc);
  return ctx;
}

/** rn's value as a u64 compared with a 32-bit mask: true when bits outside `allowed` are set. */
function flagsOutside(call: HelperCall, n: number, allowed: number): boolean {
  return call.hi[n] !== 0 || (call.u32(n) & ~allowed) !== 0;
}

/** The program's buffer at rn, `size` bytes (checked: a verified program's argument). */
function buffer(call: HelperCall, n: number, size: number, write: boolean): Uint8Array {
  const at = required(call, n, size, 'buffer', write);
  return call.runtime.memory.bytes.subarray(at, at + size);
}

// ---- skb: reading and writing the packet -----------------------------------------------------

/** bpf_skb_load_bytes (and the flow dissector's, which has no skb in a test run). */
const skbLoadBytes: HelperFn = (call) => {
  const ctx = contextOf(call);
  const len = call.u32(4);
  const to = buffer(call, 3, len, true);
  const bytes = ctx instanceof SkbContext && call.u32(2) <= INT_MAX ? ctx.read(call.u32(2), len) : undefined;
  if (!bytes) {
    to.fill(0);
    return -EFAULT;
  }
  to.set(bytes);
  return 0;
};

const skbLoadBytesRelative: HelperFn = (call) => {
  const skb = skbOf(call);
  const offset = call.u32(2);
  const len = call.u32(4);
  const to = buffer(call, 3, len, true);
  const header = call.u32(5);
  const start = header === BPF_HDR_START_MAC ? skb.mac : header === BPF_HDR_START_NET ? skb.network : -1;
  if (offset > 0xffff || start < 0 || start + offset + len > skb.dataEnd) {
    to.fill(0);
    return -EFAULT;
  }
  to.set(skb.bytes.subarray(start + offset, start + offset + len));
  return 0;
};

const skbStoreBytes: HelperFn = (call) => {
  const skb = skbOf(call);
  const offset = call.u32(2);
  const len = call.u32(4);
  if (flagsOutside(call, 5, BPF_F_RECOMPUTE_CSUM | BPF_F_INVALIDATE_HASH)) return -EINVAL;
  if (offset > INT_MAX || !skb.writable(offset + len)) return -EFAULT;
  skb.bytes.set(buffer(call, 3, len, false), skb.data + offset);
  if (call.u32(5) & BPF_F_INVALIDATE_HASH) skb.clearHash();
  return 0;
};

const skbPullData: HelperFn = (call) => {
  const skb = skbOf(call);
  return skb.writable(call.u32(2) || skb.len) ? 0 : -ENOMEM;
};

// ---- checksums ------------------------------------------------------------------------------

/** The checksum field of l3/l4_csum_replace: its offset from data, or an errno. */
function checksumField(call: HelperCall, skb: SkbContext): number {
  const offset = call.u32(2);
  if (offset > 0xffff || offset & 1 || !skb.writable(offset + 2)) return -EFAULT;
  return skb.data + offset;
}

/** The new checksum for `check` given the helper's from/to and field size, or an errno. */
function replaced(call: HelperCall, check: number, field: number): number {
  switch (field) {
    case 0:
      if (call.lo[3] !== 0 || call.hi[3] !== 0) return -EINVAL;
      return csumReplaceByDiff(check, call.u32(4));
    case 2:
      return csumReplace2(check, call.u32(3) & 0xffff, call.u32(4) & 0xffff);
    case 4:
      return csumReplace4(check, call.u32(3), call.u32(4));
    default:
      return -EINVAL;
  }
}

const l3CsumReplace: HelperFn = (call) => {
  const skb = skbOf(call);
  if (flagsOutside(call, 5, BPF_F_HDR_FIELD_MASK)) return -EINVAL;
  const at = checksumField(call, skb);
  if (at < 0) return at;
  const b = skb.bytes;
  const sum = replaced(call, b[at] | (b[at + 1] << 8), call.u32(5) & BPF_F_HDR_FIELD_MASK);
  if (sum < 0) return sum;
  b[at] = sum & 0xff;
  b[at + 1] = sum >>> 8;
  return 0;
};

const l4CsumReplace: HelperFn = (call) => {
  const skb = skbOf(call);
  const allowed =
    BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE | BPF_F_PSEUDO_HDR | BPF_F_HDR_FIELD_MASK | BPF_F_IPV6;
  if (flagsOutside(call, 5, allowed)) return -EINVAL;
  const at = checksumField(call, skb);
  if (at < 0) return at;
  const flags = call.u32(5);
  const mangled0 = (flags & BPF_F_MARK_MANGLED_0) !== 0;
  const b = skb.bytes;
  const check = b[at] | (b[at + 1] << 8);
  if (mangled0 && !(flags & BPF_F_MARK_ENFORCE) && check === 0) return 0;
  // The skb's checksum state is CHECKSUM_NONE: only the field changes (inet_proto_csum_replace*).
  let sum = replaced(call, check, flags & BPF_F_HDR_FIELD_MASK);
  if (sum < 0) return sum;
  if (mangled0 && sum === 0) sum = 0xffff;
  b[at] = sum & 0xff;
  b[at + 1] = sum >>> 8;
  return 0;
};

/** bpf_csum_diff: the folded ones' complement difference of two buffers, plus a seed. */
const csumDiff: HelperFn = (call) => {
  const fromSize = call.u32(2);
  const toSize = call.u32(4);
  const bytes = call.runtime.memory.bytes;
  const from = fromSize ? required(call, 1, fromSize, 'from') : 0;
  const to = toSize ? required(call, 3, toSize, 'to') : 0;
  let ret = call.u32(5);
  if (fromSize && toSize)
    ret = csumSub(csumPartial(bytes, to, toSize, ret), csumPartial(bytes, from, fromSize, 0));
  else if (toSize) ret = csumPartial(bytes, to, toSize, ret);
  else if (fromSize) ret = ~csumPartial(bytes, from, fromSize, ~ret >>> 0) >>> 0;
  return from32to16(ret);
};

/** bpf_csum_update: only skbs with CHECKSUM_COMPLETE keep a checksum to update; test runs have none. */
const csumUpdate: HelperFn = (call) => {
  skbOf(call);
  return -ENOTSUPP;
};

const csumLevel: HelperFn = (call) => {
  const skb = skbOf(call);
  return call.hi[2] !== 0 ? -EINVAL : skb.csumLevelOp(call.u32(2));
};

// ---- skb: headers, length, protocol ----------------------------------------------------------

/** The offset adjust_room and change_proto insert at or remove from: skb_mac_header_len. */
const macHeaderLen = (skb: SkbContext) => skb.network - skb.mac;

/** bpf_skb_net_hdr_push / _pop: move the MAC and network headers with the inserted bytes. */
function netHdrPush(skb: SkbContext, off: number, len: number): void {
  const same = skb.transport === skb.network;
  skb.insertAt(off, len);
  skb.mac -= len;
  skb.network -= len;
  if (same) skb.transport = skb.network;
}

function netHdrPop(skb: SkbContext, off: number, len: number): boolean {
  const same = skb.transport === skb.network;
  if (!skb.removeAt(off, len)) return false;
  skb.mac += len;
  skb.network += len;
  if (same) skb.transport = skb.network;
  return true;
}

const skbChangeProto: HelperFn = (call) => {
  const skb = skbOf(call);
  if (call.lo[3] !== 0 || call.hi[3] !== 0) return -EINVAL;
  const to = call.u32(2) & 0xffff;
  const diff = 40 - 20;
  let ret = -ENOTSUPP;
  if (skb.protocol === htons(ETH_P_IP) && to === htons(ETH_P_IPV6)) {
    netHdrPush(skb, macHeaderLen(skb), diff);
    skb.protocol = htons(ETH_P_IPV6);
    ret = 0;
  } else if (skb.protocol === htons(ETH_P_IPV6) && to === htons(ETH_P_IP)) {
    ret = netHdrPop(skb, macHeaderLen(skb), diff) ? 0 : -ENOMEM;
    if (ret === 0) skb.protocol = htons(ETH_P_IP);
  }
  if (ret === 0) skb.clearHash();
  skb.sync();
  return ret;
};

const skbChangeType: HelperFn = (call) => {
  const skb = skbOf(call);
  const type = call.u32(2);
  if (skb.pktType > 3 || type > 3) return -EINVAL;
  skb.pktType = type;
  skb.sync();
  return 0;
};

/** __bpf_skb_min_len: change_tail may not cut into the headers. */
function minLen(skb: SkbContext): number {
  let min = Math.max(0, skb.network - skb.data);
  if (skb.transport >= 0 && skb.transport - skb.data > 0) min = skb.transport - skb.data;
  return min;
}

const skbChangeTail: HelperFn = (call) => {
  const skb = skbOf(call);
  const newLen = call.u32(2);
  if (call.lo[3] !== 0 || call.hi[3] !== 0 || newLen > SKB_MAX_ALLOC || newLen < minLen(skb)) return -EINVAL;
  if (skb.encapsulation) return -ENOTSUPP;
  skb.setLength(newLen);
  skb.sync();
  return 0;
};

const skbChangeHead: HelperFn = (call) => {
  const skb = skbOf(call);
  const room = call.u32(2);
  const newLen = (skb.len + room) >>> 0;
  if (call.lo[3] !== 0 || call.hi[3] !== 0 || newLen > SKB_MAX_ALLOC || newLen < skb.len) return -EINVAL;
  skb.push(room);
  skb.bytes.fill(0, skb.data, skb.data + room);
  skb.mac = skb.data;
  skb.macLen = skb.network - skb.mac;
  skb.sync();
  return 0;
};

/** sk_skb's bpf_skb_adjust_room: bytes pushed (zeroed) at or pulled from the front. */
function skSkbAdjustRoom(call: HelperCall, skb: SkbContext): number {
  const diff = call.i32(2);
  if (call.u32(3) !== 0 || call.lo[4] !== 0 || call.hi[4] !== 0) return -EINVAL;
  const abs = Math.abs(diff);
  if (abs > 0xfff) return -EFAULT;
  if (diff >= 0) {
    skb.push(abs);
    skb.bytes.fill(0, skb.data, skb.data + abs);
  } else {
    if (abs > skb.len) return -ENOMEM;
    skb.pull(abs);
  }
  skb.sync();
  return 0;
}

const skbAdjustRoom: HelperFn = (call) => {
  const skb = skbOf(call);
  if (skb.programType === 'sk_skb') return skSkbAdjustRoom(call, skb);
  const diff = call.i32(2);
  const mode = call.u32(3);
  const flagsHi = call.hi[4] >>> 0;
  const flags = call.u32(4);
  // Bits 56-63 of the flags carry the inner MAC length (BPF_F_ADJ_ROOM_ENCAP_L2(len)).
  if ((flagsHi & 0x00ffffff) !== 0 || (flags & ~ADJ_ROOM_FLAGS) !== 0) return -EINVAL;
  const abs = Math.abs(diff);
  if (abs > 0xfff) return -EFAULT;
  const proto = skb.protocol;
  if (proto !== htons(ETH_P_IP) && proto !== htons(ETH_P_IPV6)) return -ENOTSUPP;
  const baseLen = proto === htons(ETH_P_IP) ? 20 : 40;
  let off = macHeaderLen(skb);
  if (mode === BPF_ADJ_ROOM_NET) off += baseLen;
  else if (mode !== BPF_ADJ_ROOM_MAC) return -ENOTSUPP;
  const shrink = diff < 0;
  let lenMin = baseLen;
  if (flags & DECAP_L3_MASK) {
    if (!shrink) return -EINVAL;
    const decap = flags & DECAP_L3_MASK;
    if (decap === ADJ_ROOM.DECAP_L3_IPV4) lenMin = 20;
    else if (decap === ADJ_ROOM.DECAP_L3_IPV6) lenMin = 40;
    else return -EINVAL;
  }
  const lenCur = skb.len - (skb.network - skb.data);
  if ((shrink && (abs >= lenCur || lenCur - abs < lenMin)) || (!shrink && skb.len + abs > SKB_MAX_ALLOC))
    return -ENOTSUPP;
  const ret = shrink ? netShrink(skb, off, abs, flags) : netGrow(skb, off, abs, flags, flagsHi >>> 24);
  if (ret === 0 && !(flags & ADJ_ROOM.NO_CSUM_RESET)) skb.resetChecksumUnnecessary();
  skb.sync();
  return ret;
};

function netShrink(skb: SkbContext, off: number, len: number, flags: number): number {
  if (flags & ~(ADJ_ROOM.FIXED_GSO | DECAP_L3_MASK | ADJ_ROOM.NO_CSUM_RESET)) return -EINVAL;
  if (!netHdrPop(skb, off, len)) return -ENOMEM;
  if (skb.protocol === htons(ETH_P_IP) && flags & ADJ_ROOM.DECAP_L3_IPV6) skb.protocol = htons(ETH_P_IPV6);
  else if (skb.protocol === htons(ETH_P_IPV6) && flags & ADJ_ROOM.DECAP_L3_IPV4)
    skb.protocol = htons(ETH_P_IP);
  return 0;
}

function netGrow(skb: SkbContext, off: number, len: number, flags: number, innerMacLen: number): number {
  const encap = (flags & ENCAP_L3_MASK) !== 0;
  let macLen = 0;
  if (encap) {
    if ((flags & ENCAP_L3_MASK) === ENCAP_L3_MASK) return -EINVAL;
    if (flags & ADJ_ROOM.ENCAP_L4_GRE && flags & ADJ_ROOM.ENCAP_L4_UDP) return -EINVAL;
    if (flags & ADJ_ROOM.ENCAP_L2_ETH && innerMacLen < ETH_HLEN) return -EINVAL;
    if (skb.encapsulation) return -EALREADY;
    macLen = skb.network - skb.mac;
    if (innerMacLen > len) return -EINVAL;
  }
  netHdrPush(skb, off, len);
  if (encap) {
    skb.encapsulation = true;
    skb.network = skb.data + macLen;
    if (flags & (ADJ_ROOM.ENCAP_L4_GRE | ADJ_ROOM.ENCAP_L4_UDP))
      skb.transport = skb.network + (flags & ADJ_ROOM.ENCAP_L3_IPV6 ? 40 : 20);
    if (skb.protocol === htons(ETH_P_IP) && flags & ADJ_ROOM.ENCAP_L3_IPV6) skb.protocol = htons(ETH_P_IPV6);
    else if (skb.protocol === htons(ETH_P_IPV6) && flags & ADJ_ROOM.ENCAP_L3_IPV4)
      skb.protocol = htons(ETH_P_IP);
  }
  return 0;
}

const skbVlanPush: HelperFn = (call) => {
  const skb = skbOf(call);
  let proto = call.u32(2) & 0xffff;
  if (proto !== htons(ETH_P_8021Q) && proto !== htons(ETH_P_8021AD)) proto = htons(ETH_P_8021Q);
  return skb.vlanPush(proto, call.u32(3) & 0xffff);
};

const skbVlanPop: HelperFn = (call) => skbOf(call).vlanPop();

// ---- skb: hash ----------------------------------------------------------------------------------

const getHashRecalc: HelperFn = (call) => skbOf(call).getHash();

const setHashInvalid: HelperFn = (call) => {
  skbOf(call).clearHash();
  return 0;
};

const setHash: HelperFn = (call) => {
  skbOf(call).setHash(call.u32(2));
  return 0;
};

// ---- redirects ----------------------------------------------------------------------------------

/** The packet context whose run is in progress (redirect helpers take no context argument). */
function inFlight(call: HelperCall): PacketContext {
  const ctx = call.runtime.packetInFlight;
  if (!ctx) throw new VmError('helper-failed', 'a redirect helper needs a packet run in progress', call.pc);
  return ctx;
}

const redirect: HelperFn = (call) => {
  const ctx = inFlight(call);
  const ifindex = call.u32(1);
  if (ctx.kind === 'xdp') {
    if (call.lo[2] !== 0 || call.hi[2] !== 0) return XDP_ABORTED;
    ctx.redirect = { helper: 'redirect', ifindex, flags: 0 };
    return XDP_REDIRECT;
  }
  if (flagsOutside(call, 2, BPF_F_INGRESS)) return TC_ACT_SHOT;
  ctx.redirect = { helper: 'redirect', ifindex, flags: call.u32(2) };
  return TC_ACT_REDIRECT;
};

/** XDP verdicts bpf_redirect_map's flags may name as its answer when the key has no entry. */
const XDP_ACTION_MASK = 3;
const BPF_F_BROADCAST = 1 << 3;
const BPF_F_EXCLUDE_INGRESS = 1 << 4;

/**
 * redirect_map(map, key, flags): XDP_REDIRECT to the map's entry for `key` (a device, CPU or
 * AF_XDP socket); without one, the verdict in flags' low bits. Devmaps also take BPF_F_BROADCAST
 * (every entry: no lookup) and BPF_F_EXCLUDE_INGRESS. Other flags: XDP_ABORTED.
 */
const redirectMap: HelperFn = (call) => {
  const ctx = inFlight(call);
  const map = call.runtime.mapOfPointer(call.lo[1], call.hi[1], call.pc);
  if (!(map instanceof RedirectMap))
    throw new VmError('helper-failed', `map ${map.name} is not a devmap, cpumap or xskmap`, call.pc);
  const devmap = map.type === MAP_TYPE.devmap || map.type === MAP_TYPE.devmap_hash;
  const allowed = XDP_ACTION_MASK | (devmap ? BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS : 0);
  if (flagsOutside(call, 3, allowed)) return XDP_ABORTED;
  const flags = call.u32(3);
  const key = call.u32(2);
  const target = map.get(key);
  if (target === undefined && !(flags & BPF_F_BROADCAST)) {
    // Linux forgets an earlier lookup: the last one decides.
    ctx.redirect = undefined;
    return flags & XDP_ACTION_MASK;
  }
  ctx.redirect = { helper: 'redirect_map', ifindex: target ?? 0, flags, map: map.name, key };
  return XDP_REDIRECT;
};

const redirectPeer: HelperFn = (call) => {
  const ctx = inFlight(call);
  if (call.lo[2] !== 0 || call.hi[2] !== 0) return TC_ACT_SHOT;
  ctx.redirect = { helper: 'redirect_peer', ifindex: call.u32(1), flags: 0 };
  return TC_ACT_REDIRECT;
};

const redirectNeigh: HelperFn = (call) => {
  const ctx = inFlight(call);
  const plen = call.u32(3);
  if ((plen && plen < REDIR_NEIGH_SIZE) || call.lo[4] !== 0 || call.hi[4] !== 0) return TC_ACT_SHOT;
  ctx.redirect = { helper: 'redirect_neigh', ifindex: call.u32(1), flags: 0 };
  return TC_ACT_REDIRECT;
};

/** bpf_clone_redirect: a copy of the packet goes to `ifindex`; the program goes on with its own. */
const cloneRedirect: HelperFn = (call) => {
  const skb = skbOf(call);
  if (flagsOutside(call, 3, BPF_F_INGRESS)) return -EINVAL;
  skb.clones.push({ ifindex: call.u32(2), flags: call.u32(3), data: skb.bytes.slice(skb.data, skb.dataEnd) });
  return 0;
};

// ---- xdp ----------------------------------------------------------------------------------------

const xdpAdjustHead: HelperFn = (call) => {
  const xdp = xdpOf(call);
  const offset = call.i32(2);
  const meta = xdp.metaLen;
  const data = xdp.data + offset;
  if (data < xdp.frameEnd + meta || data > xdp.dataEnd - ETH_HLEN) return -EINVAL;
  if (meta) xdp.bytes.copyWithin(xdp.dataMeta + offset, xdp.dataMeta, xdp.data);
  xdp.dataMeta += offset;
  xdp.data = data;
  xdp.syncPointers();
  return 0;
};

const xdpAdjustTail: HelperFn = (call) => {
  const xdp = xdpOf(call);
  const offset = call.i32(2);
  const end = xdp.dataEnd + offset;
  if (offset > xdp.tailroom || end < xdp.data + ETH_HLEN) return -EINVAL;
  if (offset > 0) xdp.bytes.fill(0, xdp.dataEnd, end);
  xdp.dataEnd = end;
  xdp.syncPointers();
  return 0;
};

const xdpAdjustMeta: HelperFn = (call) => {
  const xdp = xdpOf(call);
  const meta = xdp.dataMeta + call.i32(2);
  if (meta < xdp.frameEnd || meta > xdp.data) return -EINVAL;
  if (xdpMetaLenInvalid(xdp.data - meta)) return -13; // -EACCES
  xdp.dataMeta = meta;
  xdp.syncPointers();
  return 0;
};

/** bpf_xdp_pointer's checks for xdp_load/store_bytes: the range, or an errno. */
function xdpRange(call: HelperCall, xdp: XdpContext): number {
  const offset = call.u32(2);
  const len = call.u32(4);
  if (offset > 0xffff || len > 0xffff) return -EFAULT;
  if (offset + len > xdp.dataEnd - xdp.data) return -EINVAL;
  return xdp.data + offset;
}

const xdpLoadBytes: HelperFn = (call) => {
  const xdp = xdpOf(call);
  const at = xdpRange(call, xdp);
  if (at < 0) return at;
  const len = call.u32(4);
  buffer(call, 3, len, true).set(xdp.bytes.subarray(at, at + len));
  return 0;
};

const xdpStoreBytes: HelperFn = (call) => {
  const xdp = xdpOf(call);
  const at = xdpRange(call, xdp);
  if (at < 0) return at;
  xdp.bytes.set(buffer(call, 3, call.u32(4), false), at);
  return 0;
};

const xdpGetBuffLen: HelperFn = (call) => {
  const xdp = xdpOf(call);
  return xdp.dataEnd - xdp.data;
};

// ---- legacy packet loads ------------------------------------------------------------------------

const SKF_NET_OFF = -0x100000;
const SKF_LL_OFF = -0x200000;

/**
 * bpf_skb_load_helper_{8,16,32}(skb, offset): what ./convert.ts turns ld_abs/ld_ind into for
 * skb programs. A big-endian value from data + offset, or (negative offsets) from the network
 * or MAC header (SKF_NET_OFF, SKF_LL_OFF); outside the packet the program ends with r0 = 0.
 */
function ldAbs(size: 1 | 2 | 4): HelperFn {
  return (call) => {
    const skb = skbOf(call);
    const k = call.i32(2);
    let at = -1;
    if (k >= 0) {
      if (k + size <= skb.len) at = skb.data + k;
    } else {
      const p =
        k >= SKF_NET_OFF ? skb.network + k - SKF_NET_OFF : k >= SKF_LL_OFF ? skb.mac + k - SKF_LL_OFF : -1;
      if (p >= 0 && p + size <= skb.dataEnd) at = p;
    }
    if (at < 0) {
      call.stop(0);
      return 0;
    }
    const b = skb.bytes;
    if (size === 1) return b[at];
    if (size === 2) return (b[at] << 8) | b[at + 1];
    return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  };
}

// ---- the table --------------------------------------------------------------------------------

function linux(id: number): HelperPrototype {
  const proto = LINUX_HELPER_PROTOTYPES.get(id);
  if (!proto) throw new Error(`internal: no Linux prototype for helper ${id}`);
  return proto;
}

const ldAbsProto = (id: number, bits: number): HelperPrototype => ({
  id,
  name: `skb_load_helper_${bits}`,
  args: ['ptr_to_ctx', 'anything'],
  ret: 'integer',
});

/** Prototypes and implementations of the packet helpers. */
export function packetHelperEntries(): [HelperPrototype, HelperFn][] {
  const entries: [number, HelperFn][] = [
    [9, skbStoreBytes],
    [10, l3CsumReplace],
    [11, l4CsumReplace],
    [13, cloneRedirect],
    [18, skbVlanPush],
    [19, skbVlanPop],
    [23, redirect],
    [26, skbLoadBytes],
    [28, csumDiff],
    [31, skbChangeProto],
    [32, skbChangeType],
    [34, getHashRecalc],
    [38, skbChangeTail],
    [39, skbPullData],
    [40, csumUpdate],
    [41, setHashInvalid],
    [43, skbChangeHead],
    [44, xdpAdjustHead],
    [48, setHash],
    [51, redirectMap],
    [50, skbAdjustRoom],
    [54, xdpAdjustMeta],
    [65, xdpAdjustTail],
    [68, skbLoadBytesRelative],
    [135, csumLevel],
    [152, redirectNeigh],
    [155, redirectPeer],
    [188, xdpGetBuffLen],
    [189, xdpLoadBytes],
    [190, xdpStoreBytes],
  ];
  return [
    ...entries.map(([id, fn]): [HelperPrototype, HelperFn] => [linux(id), fn]),
    [ldAbsProto(HELPER.ld_abs_8, 8), ldAbs(1)],
    [ldAbsProto(HELPER.ld_abs_16, 16), ldAbs(2)],
    [ldAbsProto(HELPER.ld_abs_32, 32), ldAbs(4)],
  ];
}
