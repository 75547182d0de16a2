/**
 * Helper calls: each argument checked against the helper's prototype (Linux's
 * check_func_arg / check_helper_mem_access), then the call's effect on the state — clobbered
 * r1-r5, the return value, acquired and released references, packet pointers invalidated by
 * helpers that move packet data (check_helper_call).
 */
import { linuxHelperName, MAP_TYPES, POISON_HELPER } from '@tbpf/asm';
import type { ArgType, HelperPrototype } from '@tbpf/vm';
import { constBoundsOf, constSigned, isConst, isConstValue, sminOf, sync, umaxOf, uminOf } from './bounds.js';
import type { Checker } from './checker.js';
import { mapFitsHelper } from './helper-maps.js';
import {
  byteAt,
  isPointer,
  NOT_INIT,
  ptrReg,
  type Reg,
  type RegType,
  STACK_INVALID,
  STACK_MISC,
  STACK_SIZE,
  scalarReg,
  setBytes,
  typeName,
} from './state.js';

const MAX_VAR_OFF = 1 << 29;
/** Linux's BPF_FUNC_map_lookup_elem, BPF_FUNC_spin_lock and BPF_FUNC_spin_unlock. */
const HELPER_MAP_LOOKUP = 1;
const HELPER_SPIN_LOCK = 93;
const HELPER_SPIN_UNLOCK = 94;
const MAX_ERRNO = 4095;

/** Argument kinds tbpf's verifier does not model yet: the call is refused, naming the feature. */
const UNSUPPORTED_ARGS = new Map<ArgType, string>([
  ['ptr_to_func', 'callback functions'],
  ['ptr_to_stack_or_null', 'callback functions'],
  ['ptr_to_dynptr', 'dynptrs'],
  ['ptr_to_uninit_dynptr', 'dynptrs'],
  ['ptr_to_btf_id', 'BTF-typed kernel pointers'],
  ['ptr_to_btf_id_or_null', 'BTF-typed kernel pointers'],
  ['ptr_to_percpu_btf_id', 'per-CPU kernel variables (ksyms)'],
  ['kptr_xchg_dest', 'kptrs'],
  ['ptr_to_timer', 'bpf_timer'],
]);

/** Register types that hold socket pointers (Linux's sock_types / btf_id_sock_common_types). */
const SOCK_TYPES: readonly RegType[] = ['sock_common', 'sock', 'tcp_sock', 'xdp_sock'];

const MEM_TYPES = 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';

/** What one call learns from its arguments for the return value and the state change. */
interface CallMeta {
  mapIdx: number;
  /**
   * Memory arguments waiting for their size argument (bit n: rn; their registers do not change
   * before it): Linux's helpers give each its own, right after it; the builtins
   * (memcpy(dst, src, n)) share one. `memWrites`: those the helper only writes.
   */
  memArgs: number;
  memWrites: number;
  /** Largest value of the last size argument (msize_max_value). */
  sizeMax: number;
  /** The constant value of the argument giving the returned record's size (`retSizeArg`). */
  retSize: number | undefined;
  /** Reference released by this call (0: none), and the reference of `castArg`. */
  released: number;
  castRef: number;
  /** The map key argument's value, when the stack holds a known one (see Checker.constStackKey). */
  constKey: number | undefined;
}

/**
 * The one CallMeta, reset by each call: a call's checks never start another call, and an
 * object per call (with its array) was a measurable part of the verifier's allocations.
 */
const meta: CallMeta = {
  mapIdx: -1,
  memArgs: 0,
  memWrites: 0,
  sizeMax: 0,
  retSize: undefined,
  released: 0,
  castRef: 0,
  constKey: undefined,
};

function resetMeta(): CallMeta {
  meta.mapIdx = -1;
  meta.memArgs = 0;
  meta.memWrites = 0;
  meta.sizeMax = 0;
  meta.retSize = undefined;
  meta.released = 0;
  meta.castRef = 0;
  meta.constKey = undefined;
  return meta;
}

/**
 * What most helpers return: an unknown scalar, one register for every call (registers are never
 * modified once stored in a state).
 */
const UNKNOWN_RESULT = scalarReg();

/** `bpf_<name>#<id>` as Linux prints a helper. */
function helperLabel(id: number, proto?: HelperPrototype): string {
  const name = proto ? `bpf_${proto.name}` : (linuxHelperName(id) ?? 'unknown');
  return `${name}#${id}`;
}

export function checkHelperCall(c: Checker, id: number): void {
  const type = c.opts.type;
  const proto = type.helpers.get(id);
  if (!proto) {
    if (id === POISON_HELPER) {
      const failed = c.opts.corePoisons?.find((p) => p.insnIndex === c.pc);
      c.reject(
        failed?.message ??
          `invalid CO-RE relocation: the target's BTF has no such field or type (call 0x${id.toString(16)})`,
      );
    }
    if (linuxHelperName(id)) c.reject(`program of this type cannot use helper ${helperLabel(id)}`);
    c.reject(`invalid func unknown#${id}`);
  }
  if (proto.sleepable && !type.sleepable) c.reject('helper call might sleep in a non-sleepable prog');
  const meta = resetMeta();
  const retSizeArg = proto.retSizeArg ?? 1;
  for (let i = 0; i < 5; i++) {
    const at: ArgType = proto.args[i] ?? 'dontcare';
    if (at === 'dontcare') continue;
    const r = c.readReg(i + 1);
    if (r.type === 'ctx') c.noteCtxEscape();
    if (i === retSizeArg && r.type === 'scalar' && isConst(r)) meta.retSize = constSigned(r);
    checkArg(c, proto, i, at, r, meta);
  }
  if (meta.memArgs)
    c.reject(
      `internal: ${helperLabel(id, proto)} has no size for R${31 - Math.clz32(meta.memArgs & -meta.memArgs)}`,
    );
  if (meta.released) releaseReference(c, meta.released);
  for (let r = 1; r <= 5; r++) c.setReg(r, NOT_INIT);
  if (proto.changesPktData) clearPacketPointers(c);
  setReturn(c, proto, meta);
}

function checkArg(c: Checker, proto: HelperPrototype, i: number, at: ArgType, r: Reg, meta: CallMeta): void {
  checkArgKind(c, proto, i, at, r, meta);
  const regno = i + 1;
  // The returned record's size is this argument's value: pruning must compare it exactly.
  if (proto.retSizeArg === i) c.markPrecise(regno);
  if (proto.releaseArg === i) {
    if (!r.refId) c.reject(`R${regno} must be referenced when passed to release function`);
    if (r.nullable) c.reject(`R${regno} type=${typeName(r)} expected=${typeName({ ...r, nullable: false })}`);
    if (r.off !== 0 || !isConstValue(r, 0))
      c.reject(`R${regno} must have zero offset when passed to release func`);
    if (!c.st.refs.some((x) => x.id === r.refId))
      c.reject(`R${regno} reference has not been acquired before`);
    meta.released = r.refId;
  }
  if (proto.castArg === i) meta.castRef = r.refId;
}

/** The argument's type, bounds and memory (check_func_arg's checks before reference handling). */
function checkArgKind(
  c: Checker,
  proto: HelperPrototype,
  i: number,
  at: ArgType,
  r: Reg,
  meta: CallMeta,
): void {
  const regno = i + 1;
  const isNull = r.type === 'scalar' && isConstValue(r, 0);
  // A NULL accepted for an `_or_null` argument: the value must be exactly 0 on every path pruned here.
  if (isNull && at.endsWith('_or_null')) c.markPrecise(regno);
  const unsupported = UNSUPPORTED_ARGS.get(at);
  if (unsupported) {
    c.reject(
      `${helperLabel(proto.id, proto)}: ${unsupported} are not supported by tbpf's verifier (R${regno})`,
    );
  }
  if (
    isPointer(r) &&
    (r.type === 'pkt' || r.type === 'pkt_meta') &&
    !(proto.pktAccess && c.opts.type.pktHelpers)
  ) {
    c.reject('helper access to the packet is not allowed');
  }
  switch (at) {
    case 'anything':
      if (c.unpriv && isPointer(r)) c.reject(`R${regno} leaks addr into helper function`);
      return;
    case 'scalar':
      if (r.type !== 'scalar') rejectType(c, regno, r, 'scalar');
      return;
    case 'const_map_ptr': {
      if (r.type !== 'map_ptr' || r.nullable) rejectType(c, regno, r, 'map_ptr');
      meta.mapIdx = r.map;
      const map = c.maps[r.map];
      // Linux looks at a tail call's key (record_func_key) before the map/helper pairing.
      if (proto.name === 'tail_call' && map.type !== MAP_TYPES.prog_array)
        c.reject('expected prog array map for tail call');
      if (!mapFitsHelper(map.type, proto.name))
        c.reject(`cannot pass map_type ${map.type} into func ${helperLabel(proto.id, proto)}`);
      return;
    }
    case 'ptr_to_map_key':
    case 'ptr_to_map_value':
    case 'ptr_to_uninit_map_value':
    case 'ptr_to_map_value_or_null': {
      if (meta.mapIdx < 0)
        c.reject(`invalid map_ptr to access map->${at === 'ptr_to_map_key' ? 'key' : 'value'}`);
      if (at === 'ptr_to_map_value_or_null' && isNull) return;
      if (!isMemPtr(r)) rejectType(c, regno, r, 'fp, pkt, pkt_meta, map_key, map_value');
      const m = c.maps[meta.mapIdx];
      const size = at === 'ptr_to_map_key' ? m.keySize : m.valueSize;
      helperMem(c, regno, r, size, size, at === 'ptr_to_uninit_map_value', false);
      if (at === 'ptr_to_map_key') meta.constKey = c.constStackKey(r, size);
      return;
    }
    case 'ptr_to_mem':
    case 'ptr_to_rw_mem':
    case 'ptr_to_uninit_mem':
    case 'ptr_to_mem_or_null':
    case 'ptr_to_uninit_mem_or_null':
      if (!(isNull && at.endsWith('_or_null')) && !isMemPtr(r)) rejectType(c, regno, r, MEM_TYPES);
      meta.memArgs |= 1 << regno;
      if (at === 'ptr_to_uninit_mem' || at === 'ptr_to_uninit_mem_or_null') meta.memWrites |= 1 << regno;
      return;
    case 'ptr_to_fixed_mem':
    case 'ptr_to_uninit_fixed_mem': {
      if (!isMemPtr(r)) rejectType(c, regno, r, MEM_TYPES);
      const size = proto.argSize?.[i] ?? 0;
      helperMem(c, regno, r, size, size, at === 'ptr_to_uninit_fixed_mem', false);
      return;
    }
    case 'const_size':
    case 'const_size_or_zero':
      checkSizeArg(c, regno, r, at === 'const_size_or_zero', meta);
      return;
    case 'const_alloc_size_or_zero':
      if (r.type !== 'scalar') rejectType(c, regno, r, 'scalar');
      if (!isConst(r)) c.reject(`R${regno} is not a known constant'`);
      c.markPrecise(regno);
      meta.sizeMax = constSigned(r);
      return;
    case 'ptr_to_ctx':
    case 'ptr_to_ctx_or_null':
      if (at === 'ptr_to_ctx_or_null' && isNull) return;
      if (r.type !== 'ctx') rejectType(c, regno, r, 'ctx');
      if (r.off !== 0 || !isConstValue(r, 0))
        c.reject(`dereference of modified ctx ptr R${regno} off=${r.off} disallowed`);
      return;
    case 'ptr_to_sock_common':
    case 'ptr_to_btf_id_sock_common':
      if (r.nullable || !SOCK_TYPES.includes(r.type))
        rejectType(c, regno, r, 'sock_common, sock, tcp_sock, xdp_sock');
      return;
    case 'ptr_to_socket':
    case 'ptr_to_socket_or_null':
      if (at === 'ptr_to_socket_or_null' && isNull) return;
      if (r.nullable || r.type !== 'sock') rejectType(c, regno, r, 'sock');
      return;
    case 'ptr_to_spin_lock':
      checkSpinLockArg(c, regno, r);
      if (proto.id === HELPER_SPIN_LOCK) c.lockAcquire(r);
      else if (proto.id === HELPER_SPIN_UNLOCK) c.lockRelease(r);
      return;
    case 'ptr_to_const_str':
      checkConstStr(c, regno, r);
      return;
    case 'ptr_to_stack_str':
      if (r.type !== 'fp') rejectType(c, regno, r, 'fp');
      checkStackStr(c, regno, r);
      return;
    case 'ptr_to_ringbuf_mem':
      if (r.type !== 'mem' || !r.ringbuf || r.nullable) rejectType(c, regno, r, 'ringbuf_mem');
      return;
    default:
      c.reject(`internal: argument kind ${at} of ${helperLabel(proto.id, proto)}`);
  }
}

/** The argument's register is not of a type the helper takes (`list`). */
function rejectType(c: Checker, regno: number, r: Reg, list: string): never {
  c.reject(`R${regno} type=${typeName(r)} expected=${list}`);
}

/** A size argument: bounds it and checks the memory argument before it (check_mem_size_reg). */
function checkSizeArg(c: Checker, regno: number, r: Reg, zeroOk: boolean, meta: CallMeta): void {
  if (r.type !== 'scalar') c.reject(`R${regno} type=${typeName(r)} expected=scalar`);
  // The size's range decides what is checked: pruning must compare it exactly.
  c.markPrecise(regno);
  if (sminOf(r) < 0) c.reject(`R${regno} min value is negative, either use unsigned or 'var &= const'`);
  if (umaxOf(r) === 0 && !zeroOk) c.reject(`R${regno} invalid zero-sized read`);
  if (umaxOf(r) >= MAX_VAR_OFF)
    c.reject(`R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
  meta.sizeMax = umaxOf(r);
  for (let m = 1; m < regno; m++) {
    if (!(meta.memArgs & (1 << m))) continue;
    const reg = c.readReg(m);
    if (reg.type === 'scalar') {
      // A NULL `_or_null` memory argument: only with a size of 0.
      if (umaxOf(r) === 0) continue;
      c.reject(`R${m} type=scalar expected=fp`);
    }
    helperMem(c, m, reg, umaxOf(r), uminOf(r), (meta.memWrites & (1 << m)) !== 0, zeroOk);
  }
  meta.memArgs = 0;
  meta.memWrites = 0;
}

function isMemPtr(r: Reg): boolean {
  return (
    !r.nullable &&
    (r.type === 'fp' ||
      r.type === 'map_value' ||
      r.type === 'mem' ||
      r.type === 'pkt' ||
      r.type === 'pkt_meta')
  );
}

/** Memory passed to a helper: Linux's check_helper_mem_access. */
function helperMem(
  c: Checker,
  regno: number,
  reg: Reg,
  size: number,
  minSize: number,
  write: boolean,
  zeroOk: boolean,
): void {
  if (size === 0 && zeroOk) return;
  switch (reg.type) {
    case 'fp': {
      const f = c.stackFrame(reg);
      const lo = c.stackStart(regno, reg, 0, size, 'indirect access to');
      const hi = c.stackEnd(reg, 0, size);
      if (write) {
        c.scrubSlots(f, lo + STACK_SIZE, hi + STACK_SIZE);
        if (isConst(reg)) setBytes(f, lo + STACK_SIZE, lo + minSize + STACK_SIZE, STACK_MISC);
        return;
      }
      c.helperStackRead(regno, reg, lo, hi, size);
      return;
    }
    case 'map_value': {
      const map = c.maps[reg.map];
      if (write && (map.readOnly || reg.rdonly))
        c.reject(`write into map forbidden, value_size=${map.valueSize} off=${reg.off} size=${size}`);
      c.checkRegion(regno, reg, 0, size, map.valueSize, 'map value', zeroOk);
      return;
    }
    case 'mem':
      if (write && reg.rdonly) c.reject(`R${regno} cannot write into ${typeName(reg)}`);
      c.checkRegion(regno, reg, 0, size, reg.size, 'memory', zeroOk);
      return;
    case 'pkt':
    case 'pkt_meta':
      if (write && !c.opts.type.pktWrite) c.reject('cannot write into packet');
      c.checkPacketAccess(regno, reg, 0, size, zeroOk);
      return;
    default:
      c.reject(`R${regno} type=${typeName(reg)} expected=${MEM_TYPES}`);
  }
}

function checkSpinLockArg(c: Checker, regno: number, r: Reg): void {
  if (r.type !== 'map_value' || r.nullable) c.reject(`R${regno} type=${typeName(r)} expected=map_value`);
  if (!isConst(r))
    c.reject(`R${regno} doesn't have constant offset. bpf_spin_lock has to be at the constant offset`);
  const map = c.maps[r.map];
  const at = r.off + constSigned(r);
  if (map.spinLockOff === undefined) c.reject(`map '${map.name ?? ''}' has no valid bpf_spin_lock`);
  if (at !== map.spinLockOff)
    c.reject(`off ${at} doesn't point to 'struct bpf_spin_lock' that is at ${map.spinLockOff}`);
}

function checkConstStr(c: Checker, regno: number, r: Reg): void {
  if (r.type !== 'map_value') c.reject(`R${regno} type=${typeName(r)} expected=map_value`);
  const map = c.maps[r.map];
  if (!map.readOnly) c.reject(`R${regno} does not point to a readonly map'`);
  if (!isConst(r)) c.reject(`R${regno} is not a constant address'`);
  const start = r.off + constSigned(r);
  const data = map.initialData;
  if (!data || start < 0 || start >= map.valueSize)
    c.reject(`R${regno} invalid access to map value, value_size=${map.valueSize} off=${start}`);
  if (data.indexOf(0, start) < 0) c.reject('string is not zero-terminated');
}

function checkStackStr(c: Checker, regno: number, r: Reg): void {
  if (!isConst(r)) c.reject(`R${regno} variable stack access to a string prohibited`);
  const f = c.stackFrame(r);
  const start = r.off + constSigned(r);
  if (start < -STACK_SIZE || start >= 0)
    c.reject(`invalid indirect access to stack R${regno} off=${start} size=1`);
  c.noteDepth(r, -start);
  for (let o = start; o < 0; o++) {
    const b = byteAt(f, o + STACK_SIZE);
    // An uninitialised byte (allowed with CAP_PERFMON) is unknown: not the terminating NUL.
    if (b === STACK_INVALID)
      c.uninitStackRead(
        r.frame,
        `invalid read from stack R${regno} off ${start}+${o - start} size ${-start}`,
      );
    if (c.zeroByte(r, o + STACK_SIZE)) {
      c.noteStackRead(r, start, o + 1);
      return;
    }
  }
  c.reject('string is not zero-terminated');
}

/** Every copy of a released reference becomes an unknown scalar (mark_reg_invalid). */
function releaseReference(c: Checker, refId: number): void {
  c.st.refs = c.st.refs.filter((x) => x.id !== refId);
  c.forEachReg((r) => (r.refId === refId ? (c.unpriv ? NOT_INIT : scalarReg()) : undefined));
}

/** After a helper that may move packet data, no packet pointer is valid (clear_all_pkt_pointers). */
function clearPacketPointers(c: Checker): void {
  c.forEachReg((r) =>
    r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end'
      ? c.unpriv
        ? NOT_INIT
        : scalarReg()
      : undefined,
  );
}

/** A new reference owned by the program (acquire_reference_state). */
function acquire(c: Checker): number {
  const id = c.newId();
  c.st.refs = [...c.st.refs, { id, insn: c.pc }];
  return id;
}

function setReturn(c: Checker, proto: HelperPrototype, meta: CallMeta): void {
  switch (proto.ret) {
    case 'void':
      c.setReg(0, NOT_INIT);
      return;
    case 'integer': {
      if (proto.retMaxArg === undefined) {
        c.setReg(0, UNKNOWN_RESULT);
        return;
      }
      // do_refine_retval_range: an errno, or at most the buffer's size.
      const r0 = scalarReg();
      const lo = constBoundsOf(-MAX_ERRNO);
      const hi = constBoundsOf(meta.sizeMax);
      r0.sminh = lo.sminh;
      r0.sminl = lo.sminl;
      r0.smaxh = hi.smaxh;
      r0.smaxl = hi.smaxl;
      r0.s32min = -MAX_ERRNO;
      r0.s32max = meta.sizeMax | 0; // int32, see Reg
      sync(r0);
      c.setReg(0, r0);
      return;
    }
    case 'map_value_or_null':
    case 'map_value': {
      if (meta.mapIdx < 0)
        c.reject(
          `kernel subsystem misconfigured verifier: ${proto.name} returns a map value without a map argument`,
        );
      const map = c.maps[meta.mapIdx];
      // An array element looked up by a known, in-range key exists (Linux elides the NULL).
      const key = meta.constKey;
      const present =
        proto.id === HELPER_MAP_LOOKUP &&
        (map.type === MAP_TYPES.array || map.type === MAP_TYPES.percpu_array) &&
        key !== undefined &&
        key >= 0 &&
        key < map.maxEntries;
      const nullable = proto.ret === 'map_value_or_null' && !present;
      const id = nullable ? c.newId() : 0;
      if (map.type === MAP_TYPES.array_of_maps || map.type === MAP_TYPES.hash_of_maps) {
        // A lookup in a map of maps yields the inner map (its template), once checked for NULL.
        const inner = map.inner ? c.maps.indexOf(map.inner) : -1;
        if (inner < 0) c.reject(`map '${map.name ?? meta.mapIdx}' has no inner map template`);
        c.setReg(0, ptrReg('map_ptr', { map: inner, nullable, id }));
        return;
      }
      if (map.type === MAP_TYPES.xskmap) {
        c.setReg(0, ptrReg('xdp_sock', { nullable, id }));
        return;
      }
      c.setReg(0, ptrReg('map_value', { map: meta.mapIdx, nullable, id, rdonly: !!map.readOnly }));
      return;
    }
    case 'ringbuf_mem_or_null': {
      const size = meta.retSize;
      if (size === undefined) c.reject(`R${(proto.retSizeArg ?? 1) + 1} is not a known constant'`);
      const id = acquire(c);
      c.setReg(0, ptrReg('mem', { ringbuf: true, nullable: true, id, refId: id, size }));
      return;
    }
    case 'socket_or_null':
    case 'tcp_sock_or_null':
    case 'sock_common_or_null': {
      const kind: RegType =
        proto.ret === 'socket_or_null'
          ? 'sock'
          : proto.ret === 'tcp_sock_or_null'
            ? 'tcp_sock'
            : 'sock_common';
      const refId = proto.acquire ? acquire(c) : meta.castRef;
      c.setReg(0, ptrReg(kind, { nullable: true, id: refId && proto.acquire ? refId : c.newId(), refId }));
      return;
    }
    default:
      c.reject(
        `${helperLabel(proto.id, proto)}: returning ${proto.ret} pointers is not supported by tbpf's verifier`,
      );
  }
}
