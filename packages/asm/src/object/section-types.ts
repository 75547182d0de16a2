/**
 * ELF section name → Linux program type, by libbpf's rules (tools/lib/bpf/libbpf.c,
 * `section_defs`), including the legacy names older libbpf (< 1.0) and samples/bpf's loader
 * accepted by prefix (`socket1`, `classifier_foo`, `xdp_prog`, `cgroup/skb_x`, …).
 *
 * The rules, as libbpf applies them, first match wins, in table order:
 * - `name/` — the section must start with it (`kprobe/do_sys_open`);
 * - `name+` — the section is `name` or starts with `name/` (`tp_btf`, `fentry/tcp_v4_connect`);
 * - `name`  — exactly `name`; entries marked legacy also match any section starting with
 *   `name` (libbpf 0.x's SEC_SLOPPY_PFX), which the result reports as `legacy: true`.
 *
 * Sections libbpf does not know (`.text`, `bind`, `test`) map to nothing here: libbpf refuses
 * them, PREVAIL treats them as socket filters; callers choose (see `tbpf verify`).
 */

/** Linux's `enum bpf_prog_type`, by the lower-case name bpftool prints. */
export const PROG_TYPES = {
  unspec: 0,
  socket_filter: 1,
  kprobe: 2,
  sched_cls: 3,
  sched_act: 4,
  tracepoint: 5,
  xdp: 6,
  perf_event: 7,
  cgroup_skb: 8,
  cgroup_sock: 9,
  lwt_in: 10,
  lwt_out: 11,
  lwt_xmit: 12,
  sock_ops: 13,
  sk_skb: 14,
  cgroup_device: 15,
  sk_msg: 16,
  raw_tracepoint: 17,
  cgroup_sock_addr: 18,
  lwt_seg6local: 19,
  lirc_mode2: 20,
  sk_reuseport: 21,
  flow_dissector: 22,
  cgroup_sysctl: 23,
  raw_tracepoint_writable: 24,
  cgroup_sockopt: 25,
  tracing: 26,
  struct_ops: 27,
  ext: 28,
  lsm: 29,
  sk_lookup: 30,
  syscall: 31,
  netfilter: 32,
} as const;
export type ProgTypeName = keyof typeof PROG_TYPES;

/** Linux's `enum bpf_attach_type` (6.x), by lower-case name without `BPF_`. */
export const ATTACH_TYPES = {
  cgroup_inet_ingress: 0,
  cgroup_inet_egress: 1,
  cgroup_inet_sock_create: 2,
  cgroup_sock_ops: 3,
  sk_skb_stream_parser: 4,
  sk_skb_stream_verdict: 5,
  cgroup_device: 6,
  sk_msg_verdict: 7,
  cgroup_inet4_bind: 8,
  cgroup_inet6_bind: 9,
  cgroup_inet4_connect: 10,
  cgroup_inet6_connect: 11,
  cgroup_inet4_post_bind: 12,
  cgroup_inet6_post_bind: 13,
  cgroup_udp4_sendmsg: 14,
  cgroup_udp6_sendmsg: 15,
  lirc_mode2: 16,
  flow_dissector: 17,
  cgroup_sysctl: 18,
  cgroup_udp4_recvmsg: 19,
  cgroup_udp6_recvmsg: 20,
  cgroup_getsockopt: 21,
  cgroup_setsockopt: 22,
  trace_raw_tp: 23,
  trace_fentry: 24,
  trace_fexit: 25,
  modify_return: 26,
  lsm_mac: 27,
  trace_iter: 28,
  cgroup_inet4_getpeername: 29,
  cgroup_inet6_getpeername: 30,
  cgroup_inet4_getsockname: 31,
  cgroup_inet6_getsockname: 32,
  xdp_devmap: 33,
  cgroup_inet_sock_release: 34,
  xdp_cpumap: 35,
  sk_lookup: 36,
  xdp: 37,
  sk_skb_verdict: 38,
  sk_reuseport_select: 39,
  sk_reuseport_select_or_migrate: 40,
  perf_event: 41,
  trace_kprobe_multi: 42,
  lsm_cgroup: 43,
  struct_ops: 44,
  netfilter: 45,
  tcx_ingress: 46,
  tcx_egress: 47,
  trace_uprobe_multi: 48,
  cgroup_unix_connect: 49,
  cgroup_unix_sendmsg: 50,
  cgroup_unix_recvmsg: 51,
  cgroup_unix_getpeername: 52,
  cgroup_unix_getsockname: 53,
  netkit_primary: 54,
  netkit_peer: 55,
  trace_kprobe_session: 56,
  trace_uprobe_session: 57,
} as const;
export type AttachTypeName = keyof typeof ATTACH_TYPES;

/** What a section name says about its programs. */
export interface SectionProgramType {
  programType: ProgTypeName;
  /** The attach type libbpf loads the program with (`expected_attach_type`), when it sets one. */
  expectedAttachType?: AttachTypeName;
  /**
   * What follows the section's prefix and `/`: the attach target (`kprobe/do_sys_open` →
   * `do_sys_open`, `tracepoint/net/netif_rx` → `net/netif_rx`, `fentry/tcp_connect` →
   * `tcp_connect`); absent when the section is the bare name.
   */
  target?: string;
  /** The BTF of the target function or hook is needed to verify it (fentry, tp_btf, lsm, …). */
  needsTargetBtf?: boolean;
  /** Loaded with BPF_F_SLEEPABLE (`.s` sections, `syscall`). */
  sleepable?: boolean;
  /** Matched only by the legacy prefix rule (e.g. `socket1`, `xdp_prog`, `classifier_x`). */
  legacy?: boolean;
}

interface SectionDef {
  /** libbpf's pattern: `name`, `name/` or `name+`. */
  pattern: string;
  programType: ProgTypeName;
  attach?: AttachTypeName;
  /** libbpf 0.x's SEC_SLOPPY_PFX: also matched as a plain prefix. */
  legacyPrefix?: boolean;
  btf?: boolean;
  sleepable?: boolean;
}

const def = (
  pattern: string,
  programType: ProgTypeName,
  attach?: AttachTypeName,
  flags: Omit<SectionDef, 'pattern' | 'programType' | 'attach'> = {},
): SectionDef => ({ pattern, programType, ...(attach ? { attach } : {}), ...flags });
const LEGACY = { legacyPrefix: true } as const;
const BTF = { btf: true } as const;
const BTF_SLEEPABLE = { btf: true, sleepable: true } as const;

/** libbpf's table, in its order (order matters: first match wins). */
const SECTION_DEFS: readonly SectionDef[] = [
  def('socket', 'socket_filter', undefined, LEGACY),
  def('sk_reuseport/migrate', 'sk_reuseport', 'sk_reuseport_select_or_migrate', LEGACY),
  def('sk_reuseport', 'sk_reuseport', 'sk_reuseport_select', LEGACY),
  def('kprobe+', 'kprobe'),
  def('uprobe+', 'kprobe'),
  def('uprobe.s+', 'kprobe', undefined, { sleepable: true }),
  def('kretprobe+', 'kprobe'),
  def('uretprobe+', 'kprobe'),
  def('uretprobe.s+', 'kprobe', undefined, { sleepable: true }),
  def('kprobe.multi+', 'kprobe', 'trace_kprobe_multi'),
  def('kretprobe.multi+', 'kprobe', 'trace_kprobe_multi'),
  def('kprobe.session+', 'kprobe', 'trace_kprobe_session'),
  def('uprobe.multi+', 'kprobe', 'trace_uprobe_multi'),
  def('uretprobe.multi+', 'kprobe', 'trace_uprobe_multi'),
  def('uprobe.session+', 'kprobe', 'trace_uprobe_session'),
  def('uprobe.multi.s+', 'kprobe', 'trace_uprobe_multi', { sleepable: true }),
  def('uretprobe.multi.s+', 'kprobe', 'trace_uprobe_multi', { sleepable: true }),
  def('uprobe.session.s+', 'kprobe', 'trace_uprobe_session', { sleepable: true }),
  def('ksyscall+', 'kprobe'),
  def('kretsyscall+', 'kprobe'),
  def('usdt+', 'kprobe'),
  def('usdt.s+', 'kprobe', undefined, { sleepable: true }),
  def('tc/ingress', 'sched_cls', 'tcx_ingress'),
  def('tc/egress', 'sched_cls', 'tcx_egress'),
  def('tcx/ingress', 'sched_cls', 'tcx_ingress'),
  def('tcx/egress', 'sched_cls', 'tcx_egress'),
  def('netkit/primary', 'sched_cls', 'netkit_primary'),
  def('netkit/peer', 'sched_cls', 'netkit_peer'),
  def('tc', 'sched_cls'),
  def('classifier', 'sched_cls', undefined, LEGACY),
  def('action', 'sched_act', undefined, LEGACY),
  def('tracepoint+', 'tracepoint'),
  def('tp+', 'tracepoint'),
  def('raw_tracepoint+', 'raw_tracepoint'),
  def('raw_tp+', 'raw_tracepoint'),
  def('raw_tracepoint.w+', 'raw_tracepoint_writable'),
  def('raw_tp.w+', 'raw_tracepoint_writable'),
  def('tp_btf+', 'tracing', 'trace_raw_tp', BTF),
  def('fentry+', 'tracing', 'trace_fentry', BTF),
  def('fmod_ret+', 'tracing', 'modify_return', BTF),
  def('fexit+', 'tracing', 'trace_fexit', BTF),
  def('fentry.s+', 'tracing', 'trace_fentry', BTF_SLEEPABLE),
  def('fmod_ret.s+', 'tracing', 'modify_return', BTF_SLEEPABLE),
  def('fexit.s+', 'tracing', 'trace_fexit', BTF_SLEEPABLE),
  def('freplace+', 'ext', undefined, BTF),
  def('lsm+', 'lsm', 'lsm_mac', BTF),
  def('lsm.s+', 'lsm', 'lsm_mac', BTF_SLEEPABLE),
  def('lsm_cgroup+', 'lsm', 'lsm_cgroup', BTF),
  def('iter+', 'tracing', 'trace_iter', BTF),
  def('iter.s+', 'tracing', 'trace_iter', BTF_SLEEPABLE),
  def('syscall', 'syscall', undefined, { sleepable: true }),
  def('xdp.frags/devmap', 'xdp', 'xdp_devmap'),
  // libbpf 0.x's names for devmap/cpumap programs, before `xdp/devmap`.
  def('xdp_devmap/', 'xdp', 'xdp_devmap'),
  def('xdp/devmap', 'xdp', 'xdp_devmap'),
  def('xdp.frags/cpumap', 'xdp', 'xdp_cpumap'),
  def('xdp_cpumap/', 'xdp', 'xdp_cpumap'),
  def('xdp/cpumap', 'xdp', 'xdp_cpumap'),
  def('xdp.frags', 'xdp', 'xdp'),
  def('xdp', 'xdp', 'xdp', LEGACY),
  def('perf_event', 'perf_event', undefined, LEGACY),
  def('lwt_in', 'lwt_in', undefined, LEGACY),
  def('lwt_out', 'lwt_out', undefined, LEGACY),
  def('lwt_xmit', 'lwt_xmit', undefined, LEGACY),
  def('lwt_seg6local', 'lwt_seg6local', undefined, LEGACY),
  def('sockops', 'sock_ops', 'cgroup_sock_ops', LEGACY),
  def('sk_skb/stream_parser', 'sk_skb', 'sk_skb_stream_parser', LEGACY),
  def('sk_skb/stream_verdict', 'sk_skb', 'sk_skb_stream_verdict', LEGACY),
  def('sk_skb/verdict', 'sk_skb', 'sk_skb_verdict', LEGACY),
  def('sk_skb', 'sk_skb', undefined, LEGACY),
  def('sk_msg', 'sk_msg', 'sk_msg_verdict', LEGACY),
  def('lirc_mode2', 'lirc_mode2', 'lirc_mode2', LEGACY),
  def('flow_dissector', 'flow_dissector', 'flow_dissector', LEGACY),
  def('cgroup_skb/ingress', 'cgroup_skb', 'cgroup_inet_ingress', LEGACY),
  def('cgroup_skb/egress', 'cgroup_skb', 'cgroup_inet_egress', LEGACY),
  def('cgroup/skb', 'cgroup_skb', undefined, LEGACY),
  def('cgroup/sock_create', 'cgroup_sock', 'cgroup_inet_sock_create', LEGACY),
  def('cgroup/sock_release', 'cgroup_sock', 'cgroup_inet_sock_release', LEGACY),
  def('cgroup/sock', 'cgroup_sock', 'cgroup_inet_sock_create', LEGACY),
  def('cgroup/post_bind4', 'cgroup_sock', 'cgroup_inet4_post_bind', LEGACY),
  def('cgroup/post_bind6', 'cgroup_sock', 'cgroup_inet6_post_bind', LEGACY),
  def('cgroup/bind4', 'cgroup_sock_addr', 'cgroup_inet4_bind', LEGACY),
  def('cgroup/bind6', 'cgroup_sock_addr', 'cgroup_inet6_bind', LEGACY),
  def('cgroup/connect4', 'cgroup_sock_addr', 'cgroup_inet4_connect', LEGACY),
  def('cgroup/connect6', 'cgroup_sock_addr', 'cgroup_inet6_connect', LEGACY),
  def('cgroup/connect_unix', 'cgroup_sock_addr', 'cgroup_unix_connect'),
  def('cgroup/sendmsg4', 'cgroup_sock_addr', 'cgroup_udp4_sendmsg', LEGACY),
  def('cgroup/sendmsg6', 'cgroup_sock_addr', 'cgroup_udp6_sendmsg', LEGACY),
  def('cgroup/sendmsg_unix', 'cgroup_sock_addr', 'cgroup_unix_sendmsg'),
  def('cgroup/recvmsg4', 'cgroup_sock_addr', 'cgroup_udp4_recvmsg', LEGACY),
  def('cgroup/recvmsg6', 'cgroup_sock_addr', 'cgroup_udp6_recvmsg', LEGACY),
  def('cgroup/recvmsg_unix', 'cgroup_sock_addr', 'cgroup_unix_recvmsg'),
  def('cgroup/getpeername4', 'cgroup_sock_addr', 'cgroup_inet4_getpeername', LEGACY),
  def('cgroup/getpeername6', 'cgroup_sock_addr', 'cgroup_inet6_getpeername', LEGACY),
  def('cgroup/getpeername_unix', 'cgroup_sock_addr', 'cgroup_unix_getpeername'),
  def('cgroup/getsockname4', 'cgroup_sock_addr', 'cgroup_inet4_getsockname', LEGACY),
  def('cgroup/getsockname6', 'cgroup_sock_addr', 'cgroup_inet6_getsockname', LEGACY),
  def('cgroup/getsockname_unix', 'cgroup_sock_addr', 'cgroup_unix_getsockname'),
  def('cgroup/sysctl', 'cgroup_sysctl', 'cgroup_sysctl', LEGACY),
  def('cgroup/getsockopt', 'cgroup_sockopt', 'cgroup_getsockopt', LEGACY),
  def('cgroup/setsockopt', 'cgroup_sockopt', 'cgroup_setsockopt', LEGACY),
  def('cgroup/dev', 'cgroup_device', 'cgroup_device', LEGACY),
  def('struct_ops+', 'struct_ops'),
  def('struct_ops.s+', 'struct_ops', undefined, { sleepable: true }),
  def('sk_lookup', 'sk_lookup', 'sk_lookup', LEGACY),
  def('netfilter', 'netfilter', 'netfilter'),
];

type Match = { target?: string } | undefined;

/** libbpf 1.x's `sec_def_matches`. */
function strictMatch(pattern: string, section: string): Match {
  if (pattern.endsWith('/')) {
    return section.startsWith(pattern) ? { target: section.slice(pattern.length) } : undefined;
  }
  if (pattern.endsWith('+')) {
    const name = pattern.slice(0, -1);
    if (section === name) return {};
    return section.startsWith(`${name}/`) ? { target: section.slice(name.length + 1) } : undefined;
  }
  if (section === pattern) return {};
  return undefined;
}

function result(d: SectionDef, m: { target?: string }, legacy: boolean): SectionProgramType {
  const r: SectionProgramType = { programType: d.programType };
  if (d.attach) r.expectedAttachType = d.attach;
  if (m.target) r.target = m.target;
  if (d.btf) r.needsTargetBtf = true;
  if (d.sleepable) r.sleepable = true;
  if (legacy) r.legacy = true;
  return r;
}

/**
 * The program type (and attach type, target) libbpf gives a program in ELF section `section`,
 * or undefined for a section libbpf does not know. Today's exact rules are tried first, then
 * the legacy prefix rule of libbpf 0.x (`socket1` → socket_filter, `xdp_fwd` → xdp).
 */
export function sectionProgramType(section: string): SectionProgramType | undefined {
  for (const d of SECTION_DEFS) {
    const m = strictMatch(d.pattern, section);
    if (m) return result(d, m, false);
  }
  for (const d of SECTION_DEFS) {
    if (d.legacyPrefix && section.startsWith(d.pattern)) {
      const rest = section.slice(d.pattern.length);
      return result(d, rest.startsWith('/') && rest.length > 1 ? { target: rest.slice(1) } : {}, true);
    }
  }
  return undefined;
}
