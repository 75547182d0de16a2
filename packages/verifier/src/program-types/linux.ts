/**
 * Linux's program types as data: for each `enum bpf_prog_type` (and, where it matters, the
 * expected attach type) the context layout with its per-field access rules, the helpers its
 * func_proto table offers, the allowed return values (check_return_code), direct packet
 * access, and legacy packet loads.
 */
import {
  ATTACH_TYPES,
  type AttachTypeName,
  BUILTIN_HELPERS,
  PROG_TYPES,
  type ProgTypeName,
  sectionProgramType,
} from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { type HelperPrototype, LINUX_HELPER_PROTOTYPES, standardHelpers, TBPF_HELPER_RANGE } from '@tbpf/vm';
import type { CtxField, CtxLayout, ProgramType } from '../types.js';
import {
  ANY_SIZE,
  bpfSockFields,
  cgroupDevFields,
  field,
  perfEventFields,
  SK_BUFF_ADDRESSES,
  type SkBuffRules,
  skBuffFields,
  skLookupFields,
  skMsgFields,
  skReuseportFields,
  sockAddrFields,
  sockOpsFields,
  sockoptFields,
  sysctlFields,
  xdpMdFields,
} from './ctx-structs.js';
import { HELPER_SET_CHANGES, HELPER_SETS, helperIds, NOT_ON_PROBING_KERNEL } from './helper-sets.js';

export interface LinuxTypeOptions {
  /** Expected attach type (default: the one libbpf's section names give the type first). */
  attach?: AttachTypeName;
  /** Loaded with BPF_F_SLEEPABLE (sleepable-only helpers become callable). */
  sleepable?: boolean;
  /** For types verified against BTF of their target (tracing, lsm, ext, struct_ops): its name. */
  target?: string;
}

/** The attach type a program type gets when none is given (Linux's or libbpf's default). */
const DEFAULT_ATTACH: Partial<Record<ProgTypeName, AttachTypeName>> = {
  xdp: 'xdp',
  cgroup_skb: 'cgroup_inet_ingress',
  cgroup_sock: 'cgroup_inet_sock_create',
  sock_ops: 'cgroup_sock_ops',
  cgroup_device: 'cgroup_device',
  sk_msg: 'sk_msg_verdict',
  cgroup_sock_addr: 'cgroup_inet4_bind',
  lirc_mode2: 'lirc_mode2',
  sk_reuseport: 'sk_reuseport_select',
  flow_dissector: 'flow_dissector',
  cgroup_sysctl: 'cgroup_sysctl',
  cgroup_sockopt: 'cgroup_getsockopt',
  tracing: 'trace_fentry',
  lsm: 'lsm_mac',
  sk_lookup: 'sk_lookup',
  netfilter: 'netfilter',
};

const TRACEPOINT_MAX = 8192; // PERF_MAX_TRACE_SIZE
const RAW_TP_ARGS = 12; // MAX_BPF_FUNC_ARGS

/** The helpers a type may call: Linux's set for it, with tbpf's RFC helpers for tracing types. */
function helpersFor(name: ProgTypeName, attach: AttachTypeName | undefined): Map<number, HelperPrototype> {
  const ids = new Set(helperIds(`${HELPER_SETS[name] ?? ''},${NOT_ON_PROBING_KERNEL[name] ?? ''}`));
  const change = attach ? HELPER_SET_CHANGES[attach] : undefined;
  for (const id of helperIds(change?.add ?? '')) ids.add(id);
  for (const id of helperIds(change?.remove ?? '')) ids.delete(id);
  const map = new Map<number, HelperPrototype>();
  for (const id of [...ids].sort((a, b) => a - b)) {
    const proto = LINUX_HELPER_PROTOTYPES.get(id);
    if (proto) map.set(id, proto);
  }
  // tbpf's own helpers: the builtins the linker makes of memset/memcpy/memmove for every type;
  // the 2013 RFC's (bpf_memcmp, bpf_load_pointer, …) for kprobe/tracepoint programs.
  const builtins = new Set<number>(Object.values(BUILTIN_HELPERS));
  for (const h of standardHelpers().list()) {
    const id = h.proto.id;
    const rfc = id >= TBPF_HELPER_RANGE.first && id <= TBPF_HELPER_RANGE.last && !builtins.has(id);
    if (builtins.has(id) || (rfc && (name === 'kprobe' || name === 'tracepoint'))) map.set(id, h.proto);
  }
  return map;
}

const fieldsLayout = (size: number, fields: CtxField[]): CtxLayout => ({ kind: 'fields', size, fields });

/** `__sk_buff` rules of the skb program types (their *_is_valid_access). */
const SK_BUFF_RULES: Partial<Record<ProgTypeName, SkBuffRules>> = {
  socket_filter: {
    writable: ['cb'],
    hidden: ['tc_classid', ...SK_BUFF_ADDRESSES, 'tstamp', 'wire_len', 'hwtstamp'],
  },
  sched_cls: {
    writable: ['mark', 'tc_index', 'priority', 'tc_classid', 'cb', 'queue_mapping'],
    hidden: SK_BUFF_ADDRESSES,
    pkt: { meta: true },
    tstampWritable: true,
    tstampType: true,
  },
  cgroup_skb: {
    writable: ['mark', 'priority', 'cb'],
    hidden: ['tc_classid', 'wire_len'],
    pkt: {},
    tstampWritable: true,
  },
  lwt_in: {
    writable: ['mark', 'priority', 'cb'],
    hidden: ['tc_classid', ...SK_BUFF_ADDRESSES, 'tstamp', 'wire_len', 'hwtstamp'],
    pkt: {},
  },
  sk_skb: {
    writable: ['tc_index', 'priority'],
    hidden: ['tc_classid', 'mark', 'tstamp', 'wire_len', 'hwtstamp'],
    pkt: {},
  },
};

function skBuffLayout(name: ProgTypeName): CtxLayout {
  const family: Partial<Record<ProgTypeName, ProgTypeName>> = {
    sched_act: 'sched_cls',
    lwt_out: 'lwt_in',
    lwt_xmit: 'lwt_in',
    lwt_seg6local: 'lwt_in',
  };
  const rules = SK_BUFF_RULES[family[name] ?? name]!;
  return fieldsLayout(192, skBuffFields(rules));
}

function ctxFor(
  name: ProgTypeName,
  attach: AttachTypeName | undefined,
  target: string | undefined,
): CtxLayout {
  switch (name) {
    case 'socket_filter':
    case 'sched_cls':
    case 'sched_act':
    case 'cgroup_skb':
    case 'lwt_in':
    case 'lwt_out':
    case 'lwt_xmit':
    case 'lwt_seg6local':
    case 'sk_skb':
      return skBuffLayout(name);
    case 'flow_dissector':
      return fieldsLayout(192, [
        field('data', 76, 4, { read: [4], loads: 'pkt' }),
        field('data_end', 80, 4, { read: [4], loads: 'pkt_end' }),
        field('flow_keys', 144, 8, { read: [8], loads: 'flow_keys' }),
      ]);
    case 'kprobe':
      return fieldsLayout(168, [field('regs', 0, 168, { read: ANY_SIZE })]);
    case 'tracepoint':
      // The record after its 8 bytes of common fields; the event's size is checked at attach.
      return fieldsLayout(TRACEPOINT_MAX, [field('record', 8, TRACEPOINT_MAX - 8, { read: ANY_SIZE })]);
    case 'raw_tracepoint':
      return fieldsLayout(8 * RAW_TP_ARGS, [field('args', 0, 8 * RAW_TP_ARGS, { read: ANY_SIZE })]);
    case 'raw_tracepoint_writable':
      // A full load of args[0] is the tracepoint's writable buffer; other loads as raw_tracepoint.
      return fieldsLayout(8 * RAW_TP_ARGS, [
        field('buffer', 0, 8, { read: [8], loads: 'tp_buffer' }),
        field('args', 1, 8 * RAW_TP_ARGS - 1, { read: ANY_SIZE }),
      ]);
    case 'perf_event':
      return fieldsLayout(184, perfEventFields());
    case 'xdp':
      return fieldsLayout(24, xdpMdFields(attach === 'xdp_devmap'));
    case 'sock_ops':
      return fieldsLayout(224, sockOpsFields());
    case 'cgroup_sock':
      return fieldsLayout(
        80,
        bpfSockFields({
          settable: attach === 'cgroup_inet_sock_create' || attach === 'cgroup_inet_sock_release',
          src4: attach === 'cgroup_inet4_post_bind',
          src6: attach === 'cgroup_inet6_post_bind',
        }),
      );
    case 'cgroup_sock_addr': {
      const a = attach ?? '';
      const v4 = /inet4|udp4/.test(a);
      const v6 = /inet6|udp6/.test(a);
      return fieldsLayout(
        72,
        sockAddrFields({
          ip4: v4,
          ip6: v6,
          msgSrc4: a === 'cgroup_udp4_sendmsg',
          msgSrc6: a === 'cgroup_udp6_sendmsg',
        }),
      );
    }
    case 'sk_msg':
      return fieldsLayout(80, skMsgFields());
    case 'cgroup_device':
      return fieldsLayout(12, cgroupDevFields());
    case 'sk_reuseport':
      return fieldsLayout(56, skReuseportFields());
    case 'sk_lookup':
      return fieldsLayout(72, skLookupFields());
    case 'cgroup_sysctl':
      return fieldsLayout(8, sysctlFields());
    case 'cgroup_sockopt':
      return fieldsLayout(40, sockoptFields(attach !== 'cgroup_setsockopt'));
    case 'lirc_mode2':
      return fieldsLayout(4, [field('sample', 0, 4, { read: [4] })]);
    case 'syscall':
      return fieldsLayout(0xffff, [field('args', 0, 0xffff, { read: ANY_SIZE, write: ANY_SIZE })]);
    case 'tracing':
    case 'lsm':
    case 'ext':
    case 'struct_ops':
    case 'netfilter':
      return { kind: 'btf', target: target ?? (name === 'netfilter' ? 'struct bpf_nf_ctx' : '') };
    case 'unspec':
      return fieldsLayout(0, []);
  }
}

/** check_return_code: the values r0 may hold at exit, where Linux restricts them. */
function retFor(name: ProgTypeName, attach: AttachTypeName | undefined): ProgramType['ret'] {
  switch (name) {
    case 'cgroup_skb':
      return attach === 'cgroup_inet_egress' ? { min: 0, max: 3 } : { min: 0, max: 1 };
    case 'cgroup_sock_addr':
      if (attach && /recvmsg|getpeername|getsockname/.test(attach)) return { min: 1, max: 1 };
      if (attach === 'cgroup_inet4_bind' || attach === 'cgroup_inet6_bind') return { min: 0, max: 3 };
      return { min: 0, max: 1 };
    case 'cgroup_sock':
    case 'sock_ops':
    case 'cgroup_device':
    case 'cgroup_sysctl':
    case 'cgroup_sockopt':
    case 'sk_lookup':
    case 'netfilter':
      return { min: 0, max: 1 };
    case 'kprobe':
      return attach === 'trace_kprobe_session' || attach === 'trace_uprobe_session'
        ? { min: 0, max: 1 }
        : undefined;
    case 'tracing':
      if (attach === 'trace_fentry' || attach === 'trace_fexit') return { min: 0, max: 0 };
      return attach === 'trace_iter' ? { min: 0, max: 1 } : undefined;
    default:
      return undefined;
  }
}

const PKT_WRITE = new Set<ProgTypeName>([
  'sched_cls',
  'sched_act',
  'xdp',
  'lwt_xmit',
  'sk_skb',
  'sk_msg',
  'cgroup_sockopt',
]);
const PKT_READ_ONLY = new Set<ProgTypeName>([
  'lwt_in',
  'lwt_out',
  'lwt_seg6local',
  'sk_reuseport',
  'flow_dissector',
  'cgroup_skb',
]);

/** Linux program type `name` as tbpf's verifier sees it. */
export function linuxProgramType(name: ProgTypeName, opts: LinuxTypeOptions = {}): ProgramType {
  const attach = opts.attach ?? DEFAULT_ATTACH[name];
  const type: ProgramType = {
    name,
    ctx: ctxFor(name, attach, opts.target),
    helpers: helpersFor(name, attach),
  };
  if (attach) type.attach = attach;
  const ret = retFor(name, attach);
  if (ret) type.ret = ret;
  if (name === 'socket_filter' || name === 'sched_cls' || name === 'sched_act') type.ldAbs = true;
  if (PKT_WRITE.has(name)) type.pktWrite = true;
  if (PKT_WRITE.has(name) || PKT_READ_ONLY.has(name)) type.pktHelpers = true;
  if (opts.sleepable || name === 'syscall') type.sleepable = true;
  return type;
}

/** Every Linux program type name tbpf knows (all of `enum bpf_prog_type` but `unspec`). */
export const LINUX_PROGRAM_TYPES = (Object.keys(PROG_TYPES) as ProgTypeName[]).filter((n) => n !== 'unspec');

/**
 * The program type of ELF section `section` (libbpf's rules, see @tbpf/asm's
 * sectionProgramType), or undefined for a section libbpf does not know.
 */
export function programTypeForSection(section: string): ProgramType | undefined {
  const s = sectionProgramType(section);
  if (!s) return undefined;
  return linuxProgramType(s.programType, {
    ...(s.expectedAttachType ? { attach: s.expectedAttachType } : {}),
    ...(s.sleepable ? { sleepable: true } : {}),
    ...(s.target ? { target: s.target } : {}),
  });
}

/** Linux's numbers for a type (for bpf(2)): prog_type and expected_attach_type. */
export function kernelTypeNumbers(type: ProgramType): { progType: number; attachType?: number } | undefined {
  const progType = (PROG_TYPES as Record<string, number>)[type.name];
  if (progType === undefined) return undefined;
  const attachType = type.attach ? (ATTACH_TYPES as Record<string, number>)[type.attach] : undefined;
  return attachType === undefined ? { progType } : { progType, attachType };
}

/**
 * The type of a program in a section libbpf does not know (`classifier_x`, `tc_mark`,
 * `from-netdev`, `bind`). Two loaders take arbitrary section names: iproute2's `tc … bpf obj F
 * sec S` loads them as sched_cls, samples/bpf's and PREVAIL's as socket filters. A program that
 * calls a helper only tc programs have, or loads a `__sk_buff` field socket filters cannot see
 * (tc_classid, data, data_end, data_meta), is a tc program; any other is a socket filter.
 */
export function programTypeForUnknownSection(insns: readonly Insn[]): ProgramType {
  const socket = linuxProgramType('socket_filter');
  const tc = linuxProgramType('sched_cls');
  const tcOnlyHelper = insns.some(
    (i) => i.kind === 'call' && i.target === 'helper' && tc.helpers.has(i.imm) && !socket.helpers.has(i.imm),
  );
  return tcOnlyHelper || loadsTcOnlyField(insns) ? tc : socket;
}

/** `__sk_buff` offsets tc programs read that socket filters may not: tc_classid, data, data_end, data_meta. */
const TC_ONLY_FIELDS = new Set([72, 76, 80, 140]);

/**
 * Does the program load one of TC_ONLY_FIELDS through the context pointer? A forward scan that
 * follows r1 through register copies and forgets a register when anything else writes it.
 */
function loadsTcOnlyField(insns: readonly Insn[]): boolean {
  const ctx = new Set<number>([1]);
  for (const i of insns) {
    if (i.kind === 'ldx' && ctx.has(i.src) && TC_ONLY_FIELDS.has(i.off)) return true;
    if (i.kind === 'alu' && i.op === 'mov' && i.width === 64 && i.source === 'reg') {
      if (ctx.has(i.src)) ctx.add(i.dst);
      else ctx.delete(i.dst);
    } else if (i.kind === 'alu' || i.kind === 'ldx' || i.kind === 'lddw' || i.kind === 'end')
      ctx.delete(i.dst);
    else if (i.kind === 'call') for (let r = 0; r <= 5; r++) ctx.delete(r);
  }
  return false;
}
