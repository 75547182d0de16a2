/**
 * Abstract machine state: registers, per-byte stack, call frames and acquired references.
 * `Reg` values are treated as immutable once stored in a state, so copying a state copies
 * arrays of references, not registers.
 */
import {
  type Bounds,
  boundsEqual,
  boundsWithin,
  constBounds,
  constBoundsOf,
  formatBounds,
  isConst,
  isConstValue,
  unknownBounds,
} from './bounds.js';

export type RegType =
  | 'not_init'
  | 'scalar'
  | 'ctx'
  | 'fp'
  | 'map_ptr'
  | 'map_value'
  | 'mem'
  | 'pkt'
  | 'pkt_end'
  | 'pkt_meta'
  /** Socket pointers (Linux's PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, PTR_TO_TCP_SOCK, PTR_TO_XDP_SOCK). */
  | 'sock'
  | 'sock_common'
  | 'tcp_sock'
  | 'xdp_sock'
  /** The flow dissector's `struct bpf_flow_keys` (PTR_TO_FLOW_KEYS). */
  | 'flow_keys';

/**
 * A register: its type, and for pointers a fixed offset `off` plus a variable offset (the
 * bounds); for scalars the bounds are the value.
 */
export interface Reg extends Bounds {
  type: RegType;
  /** The pointer may be NULL (the `_or_null` types). */
  nullable: boolean;
  off: number;
  /** Links registers that hold the same value (null checks and range checks apply to all). */
  id: number;
  /** Links scalars whose low 32 bits are equal (`w1 = w2`): 32-bit range checks apply to all. */
  id32: number;
  /** Acquired reference (ring buffer record) this pointer belongs to; 0 for none. */
  refId: number;
  /** map_ptr / map_value: index into the program's maps. */
  map: number;
  /** mem: size in bytes. */
  size: number;
  rdonly: boolean;
  ringbuf: boolean;
  /** pkt: bytes known to be inside the packet from `off`. */
  range: number;
  /** fp: the call frame the stack pointer points into. */
  frame: number;
  /** Cached signature for `regsKey`. */
  sig: string | undefined;
}

/** A register with `r`'s type fields and the bounds `b` (one literal shape, for V8's sake). */
export function withBounds(r: Omit<Reg, keyof Bounds>, b: Bounds): Reg {
  return {
    type: r.type,
    nullable: r.nullable,
    off: r.off,
    id: r.id,
    id32: r.id32,
    refId: r.refId,
    map: r.map,
    size: r.size,
    rdonly: r.rdonly,
    ringbuf: r.ringbuf,
    range: r.range,
    frame: r.frame,
    sig: undefined,
    vh: b.vh,
    vl: b.vl,
    mh: b.mh,
    ml: b.ml,
    uminh: b.uminh,
    uminl: b.uminl,
    umaxh: b.umaxh,
    umaxl: b.umaxl,
    sminh: b.sminh,
    sminl: b.sminl,
    smaxh: b.smaxh,
    smaxl: b.smaxl,
    u32min: b.u32min,
    u32max: b.u32max,
    s32min: b.s32min,
    s32max: b.s32max,
  };
}

const BASE: Omit<Reg, keyof Bounds> = {
  type: 'not_init',
  nullable: false,
  off: 0,
  id: 0,
  id32: 0,
  refId: 0,
  map: -1,
  size: 0,
  rdonly: false,
  ringbuf: false,
  range: 0,
  frame: 0,
  sig: undefined,
};

export const NOT_INIT: Reg = Object.freeze(withBounds(BASE, unknownBounds()));

const SCALAR: Omit<Reg, keyof Bounds> = { ...BASE, type: 'scalar' };

export function scalarReg(b: Bounds = unknownBounds(), id = 0): Reg {
  const r = withBounds(SCALAR, b);
  r.id = id;
  return r;
}

/** A known small integer (|x| < 2^53). */
export function constReg(x: number): Reg {
  return scalarReg(constBoundsOf(x));
}

/** A known 64-bit value given as two 32-bit words. */
export function constRegWords(h: number, l: number): Reg {
  return scalarReg(constBounds(h, l));
}

export function ptrReg(type: RegType, fields: Partial<Reg> = {}): Reg {
  const r = withBounds(BASE, constBounds(0, 0));
  r.type = type;
  return Object.assign(r, fields);
}

export const isPointer = (r: Reg): boolean => r.type !== 'scalar' && r.type !== 'not_init';

/** Linux's reg_type_str. */
export function typeName(r: Reg): string {
  let base: string = r.type;
  if (r.type === 'not_init') return 'not_init';
  if (r.type === 'mem') base = r.ringbuf ? 'ringbuf_mem' : r.rdonly ? 'rdonly_mem' : 'mem';
  return r.nullable ? `${base}_or_null` : base;
}

/** Stack byte states. */
export const STACK_INVALID = 0;
export const STACK_MISC = 1;
export const STACK_ZERO = 2;
export const STACK_SPILL = 3;
export const STACK_SIZE = 512;

export interface Frame {
  regs: Reg[];
  /** Per byte, index = 512 + (offset from the frame pointer). */
  stack: Uint8Array;
  /** Spilled registers per 8-byte slot (slot = index / 8). */
  spills: (Reg | undefined)[];
  /** Instruction index of the call that created this frame (-1 for the entry). */
  callsite: number;
  subprog: number;
  /** `stack`/`spills` are shared with another state: copy them before writing (see `ownStack`). */
  shared: boolean;
}

/** Make a frame's stack arrays its own before writing to them (copy-on-write). */
export function ownStack(f: Frame): void {
  if (!f.shared) return;
  f.stack = f.stack.slice();
  f.spills = f.spills.slice();
  f.shared = false;
}

export interface RefState {
  id: number;
  insn: number;
}

export interface State {
  frames: Frame[];
  refs: RefState[];
}

export function newFrame(callsite: number, subprog: number): Frame {
  return {
    regs: new Array<Reg>(11).fill(NOT_INIT),
    stack: new Uint8Array(STACK_SIZE),
    spills: new Array<Reg | undefined>(STACK_SIZE / 8).fill(undefined),
    callsite,
    subprog,
    shared: false,
  };
}

/** A copy of a state; the stacks are shared until either side writes (copy-on-write). */
export function copyState(s: State): State {
  return {
    frames: s.frames.map((f) => {
      f.shared = true;
      return {
        regs: f.regs.slice(),
        stack: f.stack,
        spills: f.spills,
        callsite: f.callsite,
        subprog: f.subprog,
        shared: true,
      };
    }),
    refs: s.refs.slice(),
  };
}

export const curFrame = (s: State): Frame => s.frames[s.frames.length - 1];

/** Maps ids of an old state to ids of a new one; they must correspond one way consistently. */
class IdMap {
  private readonly map = new Map<number, number>();
  private fake = 0;
  check(old: number, cur: number): boolean {
    if (old === 0) return true;
    const c = cur === 0 ? -++this.fake : cur;
    const seen = this.map.get(old);
    if (seen === undefined) {
      this.map.set(old, c);
      return true;
    }
    return seen === c;
  }
}

/** Every behaviour possible from `cur` is possible from `old` (Linux's regsafe). */
function regSafe(old: Reg, cur: Reg, ids: IdMap): boolean {
  if (old.type === 'not_init') return true;
  if (cur.type !== old.type) return false;
  if (old.type === 'scalar')
    return boundsWithin(old, cur) && ids.check(old.id, cur.id) && ids.check(old.id32, cur.id32);
  return (
    old.nullable === cur.nullable &&
    old.off === cur.off &&
    old.map === cur.map &&
    old.size === cur.size &&
    old.rdonly === cur.rdonly &&
    old.ringbuf === cur.ringbuf &&
    old.frame === cur.frame &&
    old.range <= cur.range &&
    boundsWithin(old, cur) &&
    ids.check(old.id, cur.id) &&
    ids.check(old.refId, cur.refId)
  );
}

function stackSafe(old: Frame, cur: Frame, ids: IdMap): boolean {
  for (let i = 0; i < STACK_SIZE; i++) {
    const o = old.stack[i];
    if (o === STACK_INVALID) continue;
    const c = cur.stack[i];
    if (o === STACK_SPILL) {
      if (c !== STACK_SPILL) return false;
      if (i % 8 === 0) {
        const os = old.spills[i >> 3];
        const cs = cur.spills[i >> 3];
        if (!os || !cs || !regSafe(os, cs, ids)) return false;
      }
      continue;
    }
    if (o === STACK_ZERO) {
      if (c === STACK_ZERO) continue;
      const cs = cur.spills[i >> 3];
      if (c === STACK_SPILL && cs && cs.type === 'scalar' && isConstValue(cs, 0)) continue;
      return false;
    }
    // old MISC: any initialised non-pointer byte will do
    if (c === STACK_MISC || c === STACK_ZERO) continue;
    if (c === STACK_SPILL && cur.spills[i >> 3]?.type === 'scalar') continue;
    return false;
  }
  return true;
}

/**
 * True when `old` (fully explored and safe) covers every concrete state of `cur`. `live[f]` is
 * the mask of registers of frame f that may still be read; the others are not compared.
 */
export function stateSafe(old: State, cur: State, live?: readonly number[]): boolean {
  if (old.frames.length !== cur.frames.length || old.refs.length !== cur.refs.length) return false;
  const ids = new IdMap();
  for (let f = 0; f < old.frames.length; f++) {
    const of = old.frames[f];
    const cf = cur.frames[f];
    if (of.callsite !== cf.callsite) return false;
    const mask = live ? live[f] : 0x7ff;
    for (let r = 0; r < 11; r++) {
      if (mask & (1 << r) && !regSafe(of.regs[r], cf.regs[r], ids)) return false;
    }
    if (!stackSafe(of, cf, ids)) return false;
  }
  for (let i = 0; i < old.refs.length; i++) if (!ids.check(old.refs[i].id, cur.refs[i].id)) return false;
  return true;
}

function regEqual(a: Reg, b: Reg): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'not_init') return true;
  return (
    a.nullable === b.nullable &&
    a.off === b.off &&
    a.id === b.id &&
    a.id32 === b.id32 &&
    a.refId === b.refId &&
    a.map === b.map &&
    a.size === b.size &&
    a.range === b.range &&
    a.frame === b.frame &&
    boundsEqual(a, b)
  );
}

/** Registers of the innermost frame identical (Linux's states_maybe_looping). */
export function sameRegs(old: State, cur: State): boolean {
  if (old.frames.length !== cur.frames.length) return false;
  const a = curFrame(old).regs;
  const b = curFrame(cur).regs;
  for (let r = 0; r < 11; r++) if (!regEqual(a[r], b[r])) return false;
  return true;
}

/** A short signature of the innermost frame's registers, to skip most exact comparisons. */
export function regsKey(s: State): string {
  const regs = curFrame(s).regs;
  let k = `${s.frames.length}`;
  for (const r of regs) {
    if (r.type === 'not_init') k += '|-';
    else {
      // Cached on the (immutable) register: a hash only, equality is checked by sameRegs.
      r.sig ??= `${r.type[0]}${r.off},${r.vh},${r.vl}`;
      k += `|${r.sig}`;
    }
  }
  return k;
}

/** One register as Linux prints it: `scalar(...)`, `ctx()`, `fp-8`, `map_value(map=m,ks=4,vs=8)`. */
export function formatReg(
  r: Reg,
  mapName: (i: number) => string,
  maps: (i: number) => [number, number],
): string {
  if (r.type === 'scalar') return formatBounds(r, r.id);
  if (r.type === 'fp' && isConst(r)) return `fp${r.off}`;
  const parts: string[] = [];
  if (r.id) parts.push(`id=${r.id}`);
  if (r.refId) parts.push(`ref_obj_id=${r.refId}`);
  if (r.type === 'map_ptr' || r.type === 'map_value') {
    const [ks, vs] = maps(r.map);
    parts.push(`map=${mapName(r.map)}`, `ks=${ks}`, `vs=${vs}`);
  }
  if (r.type === 'mem') parts.push(`sz=${r.size}`);
  if (r.type === 'pkt') parts.push(`r=${r.range}`);
  if (r.off) parts.push(`off=${r.off}`);
  if (!isConst(r)) {
    const b = formatBounds(r);
    parts.push(b.slice('scalar('.length, -1));
  }
  return `${typeName(r)}(${parts.join(',')})`;
}
