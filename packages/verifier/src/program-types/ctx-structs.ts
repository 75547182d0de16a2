/**
 * Linux's context structs (include/uapi/linux/bpf.h) as field lists, with the access rules of
 * each program type's `is_valid_access` (net/core/filter.c, kernel/trace/bpf_trace.c, …)
 * written as allowed load and store sizes per field. Every access must also be aligned.
 */
import type { CtxField, CtxPointer } from '../types.js';

/** Linux's narrow loads of a 4-byte field (bpf_ctx_narrow_access_ok): 1, 2 or 4 bytes. */
export const NARROW4 = [1, 2, 4] as const;
/** Any aligned size (pt_regs, tracepoint records, cb[]). */
export const ANY_SIZE = [1, 2, 4, 8] as const;
const W4 = [4] as const;
const W8 = [8] as const;

type FieldOpts = Omit<CtxField, 'name' | 'off' | 'size'>;

export function field(name: string, off: number, size: number, opts: FieldOpts = {}): CtxField {
  return { name, off, size, ...opts };
}

/** A u32 field: narrow reads, optionally 4-byte writes. */
const u32 = (name: string, off: number, writable = false): CtxField =>
  field(name, off, 4, { read: NARROW4, ...(writable ? { write: W4 } : {}) });

/** A u32 field whose narrow loads must start at its first byte (an exact `case offsetof`). */
const u32AtStart = (name: string, off: number): CtxField =>
  field(name, off, 4, { read: NARROW4, atStart: true });

/** An 8-byte pointer field (`__bpf_md_ptr`): full 8-byte loads only. */
const ptr = (name: string, off: number, loads?: CtxPointer): CtxField =>
  field(name, off, 8, { read: W8, ...(loads ? { loads } : {}) });

// ---- struct __sk_buff (192 bytes) -------------------------------------------------------------

export const SK_BUFF_SIZE = 192;

/** Which `__sk_buff` fields a program type sees and how (one program type's is_valid_access). */
export interface SkBuffRules {
  /** Fields writable with 4-byte stores (cb is always writable where listed in `cbWritable`). */
  writable: readonly string[];
  /** Fields the type may not touch at all. */
  hidden: readonly string[];
  /** What data/data_end/data_meta load as (absent: the field is hidden). */
  pkt?: { meta?: boolean };
  /** tstamp (u64) may be written. */
  tstampWritable?: boolean;
  /** tstamp_type (u8) readable (tc only). */
  tstampType?: boolean;
}

/**
 * `struct __sk_buff` as `rules` let a program type see it. Scalar u32 fields allow narrow
 * reads; the addresses (remote_ip4 … local_ip6) and packet pointers need full 4-byte loads.
 */
export function skBuffFields(rules: SkBuffRules): CtxField[] {
  const hidden = new Set(rules.hidden);
  const writable = new Set(rules.writable);
  const out: CtxField[] = [];
  const add = (f: CtxField) => {
    if (!hidden.has(f.name)) out.push(f);
  };
  const scalar = (name: string, off: number) => add(u32(name, off, writable.has(name)));
  const exact = (name: string, off: number) => add(field(name, off, 4, { read: W4 }));
  scalar('len', 0);
  scalar('pkt_type', 4);
  scalar('mark', 8);
  scalar('queue_mapping', 12);
  scalar('protocol', 16);
  scalar('vlan_present', 20);
  scalar('vlan_tci', 24);
  scalar('vlan_proto', 28);
  scalar('priority', 32);
  scalar('ingress_ifindex', 36);
  scalar('ifindex', 40);
  scalar('tc_index', 44);
  add(field('cb', 48, 20, { read: ANY_SIZE, ...(writable.has('cb') ? { write: ANY_SIZE } : {}) }));
  scalar('hash', 68);
  scalar('tc_classid', 72);
  if (rules.pkt) {
    add(field('data', 76, 4, { read: W4, loads: 'pkt' }));
    add(field('data_end', 80, 4, { read: W4, loads: 'pkt_end' }));
  }
  scalar('napi_id', 84);
  scalar('family', 88);
  exact('remote_ip4', 92);
  exact('local_ip4', 96);
  for (let i = 0; i < 4; i++) exact(`remote_ip6[${i}]`, 100 + 4 * i);
  for (let i = 0; i < 4; i++) exact(`local_ip6[${i}]`, 116 + 4 * i);
  scalar('remote_port', 132);
  scalar('local_port', 136);
  if (rules.pkt?.meta) add(field('data_meta', 140, 4, { read: W4, loads: 'pkt_meta' }));
  add(field('tstamp', 152, 8, { read: W8, ...(rules.tstampWritable ? { write: W8 } : {}) }));
  scalar('wire_len', 160);
  scalar('gso_segs', 164);
  add(field('sk', 168, 8, { read: W8, loads: 'sock_common_or_null' }));
  scalar('gso_size', 176);
  if (rules.tstampType) add(field('tstamp_type', 180, 1, { read: [1] }));
  add(field('hwtstamp', 184, 8, { read: W8 }));
  return out;
}

/** The address fields family … local_port (hidden from several types as one range). */
export const SK_BUFF_ADDRESSES = [
  'family',
  'remote_ip4',
  'local_ip4',
  ...[0, 1, 2, 3].map((i) => `remote_ip6[${i}]`),
  ...[0, 1, 2, 3].map((i) => `local_ip6[${i}]`),
  'remote_port',
  'local_port',
];

// ---- struct xdp_md (24 bytes): 4-byte loads only, read-only ----------------------------------

export function xdpMdFields(devmap: boolean): CtxField[] {
  const f = [
    field('data', 0, 4, { read: W4, loads: 'pkt' }),
    field('data_end', 4, 4, { read: W4, loads: 'pkt_end' }),
    field('data_meta', 8, 4, { read: W4, loads: 'pkt_meta' }),
    field('ingress_ifindex', 12, 4, { read: W4 }),
    field('rx_queue_index', 16, 4, { read: W4 }),
  ];
  // egress_ifindex only for programs run from a devmap.
  if (devmap) f.push(field('egress_ifindex', 20, 4, { read: W4 }));
  return f;
}

// ---- struct bpf_sock_ops (224 bytes) ----------------------------------------------------------

export function sockOpsFields(): CtxField[] {
  const names = [
    'family',
    'remote_ip4',
    'local_ip4',
    'remote_ip6[0]',
    'remote_ip6[1]',
    'remote_ip6[2]',
    'remote_ip6[3]',
    'local_ip6[0]',
    'local_ip6[1]',
    'local_ip6[2]',
    'local_ip6[3]',
    'remote_port',
    'local_port',
    'is_fullsock',
    'snd_cwnd',
    'srtt_us',
    'bpf_sock_ops_cb_flags',
    'state',
    'rtt_min',
    'snd_ssthresh',
    'rcv_nxt',
    'snd_nxt',
    'snd_una',
    'mss_cache',
    'ecn_flags',
    'rate_delivered',
    'rate_interval_us',
    'packets_out',
    'retrans_out',
    'total_retrans',
    'segs_in',
    'data_segs_in',
    'segs_out',
    'data_segs_out',
    'lost_out',
    'sacked_out',
  ];
  const f: CtxField[] = [
    field('op', 0, 4, { read: W4 }),
    // args[4] / reply / replylong[4]: reads of each word, writes of `reply` only.
    field('reply', 4, 4, { read: W4, write: W4 }),
    field('args[1]', 8, 4, { read: W4 }),
    field('args[2]', 12, 4, { read: W4 }),
    field('args[3]', 16, 4, { read: W4 }),
  ];
  names.forEach((n, i) => {
    f.push(field(n, 20 + 4 * i, 4, { read: W4 }));
  });
  f.push(
    field('sk_txhash', 164, 4, { read: W4, write: W4 }),
    field('bytes_received', 168, 8, { read: W8 }),
    field('bytes_acked', 176, 8, { read: W8 }),
    field('sk', 184, 8, { read: W8, loads: 'socket_or_null' }),
    field('skb_data', 192, 8, { read: W8, loads: 'pkt' }),
    field('skb_data_end', 200, 8, { read: W8, loads: 'pkt_end' }),
    field('skb_len', 208, 4, { read: W4 }),
    u32AtStart('skb_tcp_flags', 212),
    field('skb_hwtstamp', 216, 8, { read: W8 }),
  );
  return f;
}

// ---- struct bpf_sock (80 bytes): cgroup_sock's context and socket pointers ---------------------

/** What a cgroup_sock program's attach type lets it see of `struct bpf_sock`. */
export interface BpfSockView {
  /** bound_dev_if, mark, priority: read and written (sock_create / sock_release). */
  settable: boolean;
  /** src_ip4 (inet4_post_bind), src_ip6 (inet6_post_bind), src_port (either). */
  src4: boolean;
  src6: boolean;
}

/** `struct bpf_sock` (bpf_sock_is_valid_access). `view` absent: a socket pointer's read-only view. */
export function bpfSockFields(view?: BpfSockView, common = false): CtxField[] {
  const f: CtxField[] = [];
  const settable = view ? view.settable : true;
  const plain = (name: string, off: number) =>
    field(name, off, 4, { read: W4, ...(view?.settable ? { write: W4 } : {}) });
  if (settable) f.push(plain('bound_dev_if', 0));
  f.push(u32AtStart('family', 4));
  if (!common) f.push(u32AtStart('type', 8), u32AtStart('protocol', 12));
  if (settable && !common) f.push(plain('mark', 16), plain('priority', 20));
  if (!view || view.src4) f.push(u32('src_ip4', 24));
  if (!view || view.src6) for (let i = 0; i < 4; i++) f.push(u32(`src_ip6[${i}]`, 28 + 4 * i));
  if (!view || view.src4 || view.src6) f.push(u32AtStart('src_port', 44));
  // dst_port is a 2-byte field: 4-byte loads (with the zero padding) or narrow 1/2-byte ones.
  f.push(field('dst_port', 48, 4, { read: W4 }), field('dst_port', 48, 2, { read: [1, 2] }));
  f.push(u32('dst_ip4', 52));
  for (let i = 0; i < 4; i++) f.push(u32(`dst_ip6[${i}]`, 56 + 4 * i));
  f.push(u32AtStart('state', 72), u32AtStart('rx_queue_mapping', 76));
  return f;
}

export const BPF_SOCK_SIZE = 80;

/** `struct bpf_tcp_sock` (112 bytes): 4-byte reads, two 8-byte counters. */
export function tcpSockFields(): CtxField[] {
  const f: CtxField[] = [];
  for (let off = 0; off < 80; off += 4) f.push(field(`u32@${off}`, off, 4, { read: W4 }));
  f.push(field('bytes_received', 80, 8, { read: W8 }), field('bytes_acked', 88, 8, { read: W8 }));
  for (let off = 96; off < 112; off += 4) f.push(field(`u32@${off}`, off, 4, { read: W4 }));
  return f;
}

export const TCP_SOCK_SIZE = 112;

// ---- struct bpf_sock_addr (72 bytes) ------------------------------------------------------------

export interface SockAddrView {
  ip4: boolean;
  ip6: boolean;
  /** msg_src_ip4 / msg_src_ip6 (udp4 / udp6 sendmsg). */
  msgSrc4: boolean;
  msgSrc6: boolean;
}

export function sockAddrFields(view: SockAddrView): CtxField[] {
  const rw = (name: string, off: number) => field(name, off, 4, { read: NARROW4, write: W4 });
  // ip6 arrays also take aligned 8-byte loads and stores (bpf_ctx_wide_access_ok).
  const ip6 = (name: string, off: number) => [
    field(`${name}`, off, 16, { read: W8, write: W8 }),
    ...[0, 1, 2, 3].map((i) => rw(`${name}[${i}]`, off + 4 * i)),
  ];
  const f: CtxField[] = [field('user_family', 0, 4, { read: W4 })];
  if (view.ip4) f.push(rw('user_ip4', 4));
  if (view.ip6) f.push(...ip6('user_ip6', 8));
  f.push(rw('user_port', 24));
  f.push(field('family', 28, 4, { read: W4 }));
  f.push(field('type', 32, 4, { read: W4 }));
  f.push(field('protocol', 36, 4, { read: W4 }));
  if (view.msgSrc4) f.push(rw('msg_src_ip4', 40));
  if (view.msgSrc6) f.push(...ip6('msg_src_ip6', 44));
  f.push(ptr('sk', 64, 'socket'));
  return f;
}

// ---- the other contexts --------------------------------------------------------------------------

/** `struct sk_msg_md` (80 bytes), read-only. */
export function skMsgFields(): CtxField[] {
  const f: CtxField[] = [ptr('data', 0, 'pkt'), ptr('data_end', 8, 'pkt_end')];
  const words = ['family', 'remote_ip4', 'local_ip4'];
  words.forEach((n, i) => {
    f.push(field(n, 16 + 4 * i, 4, { read: W4 }));
  });
  for (let i = 0; i < 4; i++) f.push(field(`remote_ip6[${i}]`, 28 + 4 * i, 4, { read: W4 }));
  for (let i = 0; i < 4; i++) f.push(field(`local_ip6[${i}]`, 44 + 4 * i, 4, { read: W4 }));
  f.push(
    field('remote_port', 60, 4, { read: W4 }),
    field('local_port', 64, 4, { read: W4 }),
    field('size', 68, 4, { read: W4 }),
  );
  f.push(ptr('sk', 72, 'socket'));
  return f;
}

/** `struct bpf_cgroup_dev_ctx` (12 bytes), read-only. */
export function cgroupDevFields(): CtxField[] {
  return [u32('access_type', 0), field('major', 4, 4, { read: W4 }), field('minor', 8, 4, { read: W4 })];
}

/** `struct bpf_perf_event_data` (184 bytes): pt_regs in 8-byte words, two narrow u64s. */
export function perfEventFields(): CtxField[] {
  return [
    field('regs', 0, 168, { read: W8 }),
    field('sample_period', 168, 8, { read: ANY_SIZE }),
    field('addr', 176, 8, { read: ANY_SIZE }),
  ];
}

/** `struct sk_reuseport_md` (56 bytes), read-only. */
export function skReuseportFields(): CtxField[] {
  return [
    ptr('data', 0, 'pkt'),
    ptr('data_end', 8, 'pkt_end'),
    u32('len', 16),
    // eth_protocol: at least 2 bytes (skb->protocol's size).
    field('eth_protocol', 20, 4, { read: [2, 4] }),
    u32('ip_protocol', 24),
    u32('bind_inany', 28),
    field('hash', 32, 4, { read: W4 }),
    ptr('sk', 40, 'socket'),
    ptr('migrating_sk', 48, 'sock_common_or_null'),
  ];
}

/** `struct bpf_sk_lookup` (72 bytes), read-only. */
export function skLookupFields(): CtxField[] {
  const f: CtxField[] = [ptr('sk', 0, 'socket_or_null'), u32('family', 8), u32('protocol', 12)];
  f.push(u32('remote_ip4', 16));
  for (let i = 0; i < 4; i++) f.push(u32(`remote_ip6[${i}]`, 20 + 4 * i));
  // remote_port: 4-byte loads for compatibility, narrow loads of the 2-byte port and its padding.
  f.push(field('remote_port', 36, 4, { read: W4 }));
  f.push(field('remote_port', 36, 2, { read: [1, 2] }), field('(padding)', 38, 2, { read: [1, 2] }));
  f.push(u32('local_ip4', 40));
  for (let i = 0; i < 4; i++) f.push(u32(`local_ip6[${i}]`, 44 + 4 * i));
  f.push(u32('local_port', 60), u32('ingress_ifindex', 64));
  return f;
}

/** `struct bpf_sysctl` (8 bytes): `write` read-only, `file_pos` read and written. */
export function sysctlFields(): CtxField[] {
  return [u32('write', 0), field('file_pos', 4, 4, { read: NARROW4, write: W4 })];
}

/** `struct bpf_sockopt` (40 bytes). */
export function sockoptFields(getsockopt: boolean): CtxField[] {
  const f: CtxField[] = [
    ptr('sk', 0, 'socket'),
    ptr('optval', 8, 'pkt'),
    ptr('optval_end', 16, 'pkt_end'),
    field('level', 24, 4, { read: W4, ...(getsockopt ? {} : { write: W4 }) }),
    field('optname', 28, 4, { read: W4, ...(getsockopt ? {} : { write: W4 }) }),
    field('optlen', 32, 4, { read: W4, write: W4 }),
  ];
  if (getsockopt) f.push(field('retval', 36, 4, { read: W4, write: W4 }));
  return f;
}

/** `struct bpf_flow_keys` (56 bytes): any access inside (check_flow_keys_access). */
export const FLOW_KEYS_SIZE = 56;
