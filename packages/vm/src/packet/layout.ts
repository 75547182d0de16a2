/**
 * Packet contexts as programs see them and as the runtime holds them.
 *
 * A program sees Linux's UAPI structs (`struct __sk_buff`, `struct xdp_md`), whose packet
 * pointers `data`, `data_end` and `data_meta` are u32 fields. A BPF address is 64 bits
 * (BPF_ADDRESS_BASE + offset), so the runtime's context is the UAPI struct — every scalar field
 * at its own offset, holding exactly what a full load of it yields, so that narrow loads read
 * the right bytes — followed by 8-byte slots holding the real pointers. After verification the
 * loads of the u32 pointer fields are rewritten into 8-byte loads of the slots (./convert.ts,
 * Linux's convert_ctx_access), so the engines need no change. Pointer fields that are 8 bytes
 * in the UAPI (`__sk_buff.sk`, `flow_keys`) hold real addresses in place: the socket and the
 * flow keys the runtime keeps after the slots.
 */

/** `struct __sk_buff` (include/uapi/linux/bpf.h): offsets of its fields. */
export const SKB = {
  len: 0,
  pkt_type: 4,
  mark: 8,
  queue_mapping: 12,
  protocol: 16,
  vlan_present: 20,
  vlan_tci: 24,
  vlan_proto: 28,
  priority: 32,
  ingress_ifindex: 36,
  ifindex: 40,
  tc_index: 44,
  cb: 48,
  hash: 68,
  tc_classid: 72,
  data: 76,
  data_end: 80,
  napi_id: 84,
  family: 88,
  remote_ip4: 92,
  local_ip4: 96,
  remote_ip6: 100,
  local_ip6: 116,
  remote_port: 132,
  local_port: 136,
  data_meta: 140,
  flow_keys: 144,
  tstamp: 152,
  wire_len: 160,
  gso_segs: 164,
  sk: 168,
  gso_size: 176,
  tstamp_type: 180,
  hwtstamp: 184,
} as const;

/** sizeof(struct __sk_buff). */
export const SKB_SIZE = 192;
/** Bytes of `cb[]` (five u32s). */
export const SKB_CB_SIZE = 20;

/** `struct xdp_md`: offsets of its fields. */
export const XDP_MD = {
  data: 0,
  data_end: 4,
  data_meta: 8,
  ingress_ifindex: 12,
  rx_queue_index: 16,
  egress_ifindex: 20,
} as const;

/** sizeof(struct xdp_md). */
export const XDP_MD_SIZE = 24;

/** `struct bpf_flow_keys` (the flow dissector's output), 56 bytes. */
export const FLOW_KEYS_SIZE = 56;

/** `struct bpf_sock`: offsets of the fields the runtime fills (the rest read 0). */
export const BPF_SOCK = {
  bound_dev_if: 0,
  family: 4,
  type: 8,
  protocol: 12,
  mark: 16,
  priority: 20,
  src_ip4: 24,
  src_ip6: 28,
  src_port: 44,
  dst_port: 48,
  dst_ip4: 52,
  dst_ip6: 56,
  state: 72,
  rx_queue_mapping: 76,
} as const;

/**
 * The runtime's context for each kind of packet program: the UAPI struct, then the pointer
 * slots (u64 BPF addresses) that the rewritten loads read. The flow dissector's context is a
 * `__sk_buff` whose `flow_keys` (an 8-byte pointer field already) points at the keys, which
 * follow the slots.
 */
export const PACKET_CTX = {
  /** `sock`: the `struct bpf_sock` that `__sk_buff.sk` points at. */
  skb: { uapiSize: SKB_SIZE, data: 192, dataEnd: 200, dataMeta: 208, sock: 216, size: 296 },
  xdp: { uapiSize: XDP_MD_SIZE, data: 24, dataEnd: 32, dataMeta: 40, size: 48 },
  flow_dissector: { uapiSize: SKB_SIZE, data: 192, dataEnd: 200, dataMeta: 208, keys: 216, size: 272 },
} as const;

export type PacketKind = keyof typeof PACKET_CTX;

/** The UAPI offsets of the u32 packet pointer fields of each kind's struct. */
export const POINTER_FIELDS: Record<PacketKind, { data: number; dataEnd: number; dataMeta?: number }> = {
  skb: { data: SKB.data, dataEnd: SKB.data_end, dataMeta: SKB.data_meta },
  xdp: { data: XDP_MD.data, dataEnd: XDP_MD.data_end, dataMeta: XDP_MD.data_meta },
  flow_dissector: { data: SKB.data, dataEnd: SKB.data_end },
};

/**
 * The kind of packet context a Linux program type runs with, or undefined for types whose
 * context is not a packet. (sk_msg, sk_reuseport, sock_ops and sockopt programs also see
 * packet pointers, in contexts of their own that the runtime does not build.)
 */
export function packetKindOf(programType: string): PacketKind | undefined {
  switch (programType) {
    case 'socket_filter':
    case 'sched_cls':
    case 'sched_act':
    case 'cgroup_skb':
    case 'lwt_in':
    case 'lwt_out':
    case 'lwt_xmit':
    case 'lwt_seg6local':
    case 'sk_skb':
      return 'skb';
    case 'xdp':
      return 'xdp';
    case 'flow_dissector':
      return 'flow_dissector';
    default:
      return undefined;
  }
}

// ---- Linux constants the packet runtime reproduces -------------------------------------------

/** XDP_PACKET_HEADROOM: headroom in front of an XDP frame's data. */
export const XDP_PACKET_HEADROOM = 256;
/** sizeof(struct xdp_frame): the start of an XDP buffer that xdp_adjust_head/meta keep clear. */
export const XDP_FRAME_SIZE = 40;
/** NET_SKB_PAD + NET_IP_ALIGN on x86-64: headroom of an skb built by BPF_PROG_TEST_RUN. */
export const SKB_HEADROOM = 64;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64: tailroom of test-run buffers. */
export const SHARED_INFO_SIZE = 320;
/** PAGE_SIZE: the buffer a test-run packet lives in (headroom + data + tailroom). */
export const PAGE_SIZE = 4096;
/** ETH_HLEN. */
export const ETH_HLEN = 14;
/** Largest XDP metadata (xdp_metalen_invalid: a multiple of 4, at most 255 → 252). */
export const XDP_META_MAX = 255;
/** SKB_MAX_ALLOC (BPF_SKB_MAX_LEN): the largest an skb may grow through the helpers. */
export const SKB_MAX_ALLOC = 4 * 4096 - 320 - 64;

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
export const AF_INET = 2;
export const AF_INET6 = 10;

/** XDP actions and tc actions that helpers return. */
export const XDP_ABORTED = 0;
export const XDP_REDIRECT = 4;
export const TC_ACT_SHOT = 2;
export const TC_ACT_REDIRECT = 7;
