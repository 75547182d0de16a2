/**
 * Context accesses: a load or store through the ctx pointer is checked against the program
 * type's layout (Linux's check_ctx_access / the per-type is_valid_access), and accesses through
 * socket pointers against `struct bpf_sock` / `bpf_tcp_sock` / `bpf_xdp_sock`
 * (check_sock_access) and the flow dissector's keys (check_flow_keys_access).
 */
import { isConstValue } from './bounds.js';
import type { Checker } from './checker.js';
import {
  BPF_SOCK_SIZE,
  bpfSockFields,
  FLOW_KEYS_SIZE,
  field,
  TCP_SOCK_SIZE,
  tcpSockFields,
} from './program-types/ctx-structs.js';
import { ptrReg, type Reg } from './state.js';
import { tnumStr } from './tnum.js';
import type { CtxField, CtxPointer } from './types.js';

const TP_BUFFER_SIZE = 1 << 16;

/** The field of `fields` that allows an access of `size` bytes at `off`, if any. */
function findField(
  fields: readonly CtxField[],
  off: number,
  size: number,
  kind: 'read' | 'write',
): CtxField | undefined {
  if (off < 0 || off % size !== 0) return undefined;
  return fields.find((f) => {
    if (off < f.off || off + size > f.off + f.size) return false;
    if (f.atStart && off !== f.off) return false;
    const sizes = kind === 'read' ? (f.read ?? [f.size]) : (f.write ?? []);
    return sizes.includes(size);
  });
}

/**
 * The registers loads of pointer fields yield that are always the same (shared: registers are
 * never modified once made).
 */
const PKT_END = ptrReg('pkt_end');
const PKT = ptrReg('pkt', { id: 0, range: 0 });
const PKT_META = ptrReg('pkt_meta', { id: 0, range: 0 });
const FLOW_KEYS = ptrReg('flow_keys');
// Any constant offset is checked against the buffer's size at attach: a large block here.
const TP_BUFFER = ptrReg('mem', { size: TP_BUFFER_SIZE });
const SOCKET = ptrReg('sock');

/** The register a full load of a pointer-typed field yields. */
function loaded(c: Checker, loads: CtxPointer): Reg {
  switch (loads) {
    case 'pkt_end':
      return PKT_END;
    case 'pkt':
      return PKT;
    case 'pkt_meta':
      return PKT_META;
    case 'flow_keys':
      return FLOW_KEYS;
    case 'tp_buffer':
      return TP_BUFFER;
    case 'socket':
      return SOCKET;
    case 'socket_or_null':
      return ptrReg('sock', { nullable: true, id: c.newId() });
    case 'sock_common_or_null':
      return ptrReg('sock_common', { nullable: true, id: c.newId() });
  }
}

/** Check an access of `size` bytes at ctx + `off`; returns the loaded register for typed fields. */
export function ctxAccess(
  c: Checker,
  regno: number,
  reg: Reg,
  off: number,
  size: number,
  kind: 'read' | 'write',
): Reg | undefined {
  const layout = c.opts.type.ctx;
  if (reg.off !== 0) c.reject(`dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`);
  if (!isConstValue(reg, 0)) c.reject(`variable ctx access var_off=${tnumStr(reg)} disallowed`);
  if (layout.kind === 'fields') {
    const f = findField(layout.fields, off, size, kind);
    if (f && kind === 'read') c.noteCtxRead(off, size);
    if (f) return kind === 'read' && f.loads && size === f.size ? loaded(c, f.loads) : undefined;
  }
  c.reject(`invalid bpf_context access off=${off} size=${size}`);
}

const SOCK_FIELDS = bpfSockFields();
const SOCK_COMMON_FIELDS = bpfSockFields(undefined, true);
const TCP_SOCK_FIELDS = tcpSockFields();
const XDP_SOCK_FIELDS = [field('queue_id', 0, 4)];

/** Loads through socket pointers (read-only views of kernel sockets) and the flow keys. */
export function sockAccess(
  c: Checker,
  regno: number,
  reg: Reg,
  off: number,
  size: number,
  kind: 'read' | 'write',
): void {
  const at = off + reg.off;
  if (!isConstValue(reg, 0))
    c.reject(`R${regno} invalid variable offset: off=${reg.off}, var_off=${tnumStr(reg)}`);
  if (reg.type === 'flow_keys') {
    if (at < 0 || at + size > FLOW_KEYS_SIZE) c.reject(`invalid access to flow keys off=${at} size=${size}`);
    return;
  }
  if (reg.off !== 0) c.reject(`R${regno} invalid ${reg.type} access off=${reg.off} size=${size}`);
  if (kind === 'write') c.reject(`R${regno} cannot write into ${reg.type}`);
  const [fields, limit] =
    reg.type === 'sock'
      ? [SOCK_FIELDS, BPF_SOCK_SIZE]
      : reg.type === 'sock_common'
        ? [SOCK_COMMON_FIELDS, BPF_SOCK_SIZE]
        : reg.type === 'tcp_sock'
          ? [TCP_SOCK_FIELDS, TCP_SOCK_SIZE]
          : [XDP_SOCK_FIELDS, 4];
  if (at >= limit || !findField(fields, at, size, 'read'))
    c.reject(`R${regno} invalid ${reg.type} access off=${at} size=${size}`);
}
