/**
 * Abstract machine state: registers, per-byte stack, call frames and acquired references.
 * `Reg` values are treated as immutable once stored in a state, so copying a state copies
 * arrays of references, not registers.
 */
import { type Bounds, constBounds, constBoundsOf, formatBounds, isConst, unknownBounds } from './bounds.js';

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
 * bounds); for scalars the bounds are the value. Every number in it is an int32 value computed
 * as one (`x | 0` where it comes from floating-point arithmetic such as `**` or ./u64.ts's
 * number views): V8 keeps such fields unboxed, and one non-small-integer stored into a field
 * makes it box that field in every register from then on (an allocation per field per register).
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
};

export const NOT_INIT: Reg = Object.freeze(withBounds(BASE, unknownBounds()));

const SCALAR: Omit<Reg, keyof Bounds> = { ...BASE, type: 'scalar' };
const UNKNOWN: Bounds = Object.freeze(unknownBounds());

export function scalarReg(b: Bounds = UNKNOWN, id = 0): Reg {
  const r = withBounds(SCALAR, b);
  r.id = id;
  return r;
}

/** A known small integer (|x| < 2^53). */
export function constReg(x: number): Reg {
  return scalarReg(constBoundsOf(x));
}

/** A known 64-bit value given as two 32-bit words (int32, see ./u64.ts). */
export function constRegWords(h: number, l: number): Reg {
  return scalarReg(constBounds(h, l));
}

/** What a new pointer may set besides its type (the rest as BASE, its variable offset 0). */
export type PtrFields = Partial<
  Pick<Reg, 'nullable' | 'off' | 'id' | 'refId' | 'map' | 'size' | 'rdonly' | 'ringbuf' | 'range' | 'frame'>
>;

const ZERO_OFFSET: Bounds = Object.freeze(constBounds(0, 0));

/** A pointer of `type` (field by field: `Object.assign` or a spread would allocate and make another shape). */
export function ptrReg(type: RegType, fields: PtrFields = {}): Reg {
  const r = withBounds(BASE, ZERO_OFFSET);
  r.type = type;
  r.nullable = fields.nullable ?? false;
  r.off = fields.off ?? 0;
  r.id = fields.id ?? 0;
  r.refId = fields.refId ?? 0;
  r.map = fields.map ?? -1;
  r.size = fields.size ?? 0;
  r.rdonly = fields.rdonly ?? false;
  r.ringbuf = fields.ringbuf ?? false;
  r.range = fields.range ?? 0;
  r.frame = fields.frame ?? 0;
  return r;
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

/** A whole 8-byte slot in one state, as `Frame.slots` packs it (2 bits per byte). */
export const SLOT_INVALID = 0;
export const SLOT_MISC = 0x5555;
export const SLOT_ZERO = 0xaaaa;
export const SLOT_SPILL = 0xffff;

export interface Frame {
  regs: Reg[];
  /**
   * The state of each stack byte (byte index = 512 + offset from the frame pointer), packed 2
   * bits per byte: 16 bits per 8-byte slot, two slots per number (slot s in bits 16 * (s & 1)
   * of word s >> 1; a plain array of small integers, cheap to copy and to keep in a checkpoint).
   * A spill covers the slot's first 1, 2, 4 or 8 bytes (Linux's narrow spills of scalars). Read
   * with `slotAt` / `byteAt`, write with `setSlot` / `setByte`; `spillOf` gives a slot's spilled
   * register.
   */
  slots: number[];
  /**
   * Spilled registers per 8-byte slot (slot = index / 8): set exactly when the slot's first
   * byte is STACK_SPILL. Write with `setSpill`.
   */
  spills: (Reg | undefined)[];
  /** Instruction index of the call that created this frame (-1 for the entry). */
  callsite: number;
  subprog: number;
  /**
   * `slots` / `spills` are shared with another state: the setters copy them before writing
   * (copy-on-write, each array on its own: most stack writes change no spilled register).
   */
  slotsShared: boolean;
  spillsShared: boolean;
  /**
   * Scalars whose exact value a later safety decision depended on, so pruning compares them
   * (Linux's `precise`; imprecise scalars compare as unknown): registers (bit n = rn) and spilled
   * registers (bit s of `preciseLo` / `preciseHi` for slot s, s - 32). Set on explored states by
   * backtracking (precision.ts) — bits, so that marking copies no register and no stack.
   */
  precise: number;
  preciseLo: number;
  preciseHi: number;
}

/** Register `r` of the frame is precise. */
export const regPrecise = (f: Frame, r: number): boolean => ((f.precise >> r) & 1) !== 0;

/** The register spilled in `slot` of the frame is precise. */
export const spillPrecise = (f: Frame, slot: number): boolean =>
  (((slot < 32 ? f.preciseLo : f.preciseHi) >> (slot & 31)) & 1) !== 0;

export function markRegPrecise(f: Frame, r: number): void {
  f.precise |= 1 << r;
}

export function markSpillPrecise(f: Frame, slot: number): void {
  if (slot < 32) f.preciseLo |= 1 << slot;
  else f.preciseHi |= 1 << (slot & 31);
}

/** The packed byte states of stack slot `slot` (see `Frame.slots`). */
export const slotAt = (f: Frame, slot: number): number => (f.slots[slot >> 1] >> ((slot & 1) << 4)) & 0xffff;

/** Set the packed byte states of stack slot `slot`. */
export function setSlot(f: Frame, slot: number, v: number): void {
  // Most stack writes leave the slot's byte states as they were: no copy of a shared array then.
  if (slotAt(f, slot) === v) return;
  if (f.slotsShared) {
    f.slots = f.slots.slice();
    f.slotsShared = false;
  }
  const k = (slot & 1) << 4;
  const w = slot >> 1;
  f.slots[w] = (f.slots[w] & ~(0xffff << k)) | (v << k);
}

/** The state of stack byte `i` (512 + offset from the frame pointer). */
export const byteAt = (f: Frame, i: number): number => (f.slots[i >> 4] >> ((i & 15) << 1)) & 3;

/** Set the state of stack byte `i`. */
export function setByte(f: Frame, i: number, t: number): void {
  const slot = i >> 3;
  const k = (i & 7) << 1;
  setSlot(f, slot, (slotAt(f, slot) & ~(3 << k)) | (t << k));
}

/** Set the state of stack bytes [from, to), one slot at a time. */
export function setBytes(f: Frame, from: number, to: number, t: number): void {
  // t in every byte of a slot: 0x5555 is STACK_MISC in all eight.
  const all = t * 0x5555;
  for (let i = from; i < to; ) {
    const slot = i >> 3;
    const end = Math.min(to, (slot + 1) << 3);
    const mask = (0xffff >> (16 - 2 * (end - i))) << ((i & 7) << 1);
    setSlot(f, slot, (slotAt(f, slot) & ~mask) | (all & mask));
    i = end;
  }
}

/** Set the register spilled into `slot` (undefined: none). */
export function setSpill(f: Frame, slot: number, r: Reg | undefined): void {
  if (f.spills[slot] === r) return;
  if (f.spillsShared) {
    f.spills = f.spills.slice();
    f.spillsShared = false;
  }
  f.spills[slot] = r;
}

/** The register spilled into `slot` (its first byte is STACK_SPILL), or undefined. */
export const spillOf = (f: Frame, slot: number): Reg | undefined =>
  (slotAt(f, slot) & 3) === STACK_SPILL ? f.spills[slot] : undefined;

/** How many bytes of `slot`, from its first, hold its spilled register (0 to 8). */
export function spillWidth(f: Frame, slot: number): number {
  const v = slotAt(f, slot);
  let n = 0;
  while (n < 8 && ((v >> (n << 1)) & 3) === STACK_SPILL) n++;
  return n;
}

/**
 * The slot's bytes that are not part of a spill turned into unknown data, as Linux's regular
 * write over a spilled register does (scrub_spilled_slot): uninitialised bytes stay so.
 */
export function scrubbedSlot(v: number): number {
  let out = 0;
  for (let k = 0; k < 16; k += 2) if ((v >> k) & 3) out |= STACK_MISC << k;
  return out;
}

export interface RefState {
  id: number;
  insn: number;
}

/** The bpf_spin_lock a path holds: the map whose value has it, and the value pointer's id. */
export interface LockState {
  map: number;
  id: number;
}

export interface State {
  frames: Frame[];
  /** Acquired references, oldest first: replaced on change, never changed in place (states share it). */
  refs: readonly RefState[];
  lock: LockState | undefined;
}

export function newFrame(callsite: number, subprog: number): Frame {
  return {
    regs: new Array<Reg>(11).fill(NOT_INIT),
    slots: new Array<number>(STACK_SIZE / 16).fill(SLOT_INVALID),
    spills: new Array<Reg | undefined>(STACK_SIZE / 8).fill(undefined),
    callsite,
    subprog,
    slotsShared: false,
    spillsShared: false,
    precise: 0,
    preciseLo: 0,
    preciseHi: 0,
  };
}

/** A copy of a frame; its stack arrays become shared by both (copy-on-write). */
function copyFrame(f: Frame): Frame {
  f.slotsShared = true;
  f.spillsShared = true;
  return {
    regs: f.regs.slice(),
    slots: f.slots,
    spills: f.spills,
    callsite: f.callsite,
    subprog: f.subprog,
    slotsShared: true,
    spillsShared: true,
    precise: f.precise,
    preciseLo: f.preciseLo,
    preciseHi: f.preciseHi,
  };
}

/**
 * A copy of a state; the stacks are shared until either side writes (copy-on-write), the
 * references always (`State.refs` is replaced, never changed in place).
 */
export function copyState(s: State): State {
  return { frames: copyFrames(s), refs: s.refs, lock: s.lock };
}

/** Copies of a state's frames (see `copyState`). */
export const copyFrames = (s: State): Frame[] => s.frames.map(copyFrame);

export const curFrame = (s: State): Frame => s.frames[s.frames.length - 1];

/**
 * One register as Linux prints it: `scalar(...)`, `ctx()`, `fp-8`, `map_value(map=m,ks=4,vs=8)`;
 * a precise scalar (see `Frame.precise`) with `P`.
 */
export function formatReg(
  r: Reg,
  mapName: (i: number) => string,
  maps: (i: number) => [number, number],
  precise = false,
): string {
  if (r.type === 'scalar') return precise ? `P${formatBounds(r, r.id)}` : formatBounds(r, r.id);
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
