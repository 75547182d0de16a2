/**
 * The data a verification is parameterised by: program types (what a program may touch), the
 * maps it references, options, and the result.
 */
import type { CpuVersion } from '@tbpf/isa';
import type { HelperPrototype, ZeroedStack } from '@tbpf/vm';

/**
 * What a load of a context field yields, when it is not a plain scalar: packet pointers, the
 * socket kinds (Linux's PTR_TO_SOCK_COMMON_OR_NULL, PTR_TO_SOCKET[_OR_NULL]) and the flow
 * dissector's keys.
 */
export type CtxPointer =
  | 'pkt'
  | 'pkt_end'
  | 'pkt_meta'
  | 'sock_common_or_null'
  | 'socket'
  | 'socket_or_null'
  | 'flow_keys'
  /** raw_tracepoint_writable's args[0]: the tracepoint's writable buffer (sized at attach). */
  | 'tp_buffer';

/**
 * One range of the context and how it may be accessed. An access must be aligned (offset a
 * multiple of its size) and lie inside the field; Linux's per-type `is_valid_access` rules are
 * written as one or more such fields.
 */
export interface CtxField {
  name: string;
  off: number;
  size: number;
  /** Load sizes allowed (default: the field's size only). `[]`: not readable. */
  read?: readonly number[];
  /** Store sizes allowed (default: none, the field is read-only). */
  write?: readonly number[];
  /** What a full-size load of the field yields (default: a scalar). */
  loads?: CtxPointer;
  /** Loads must start at the field's first byte (Linux matches the exact offset, not a range). */
  atStart?: boolean;
}

/**
 * The context layout. `fields`: only the listed ranges are accessible (kprobe's pt_regs, a
 * tracepoint record, __sk_buff); `memory`: r1 is a plain block of `size` bytes that may be
 * indexed and moved like any memory pointer (the `raw` type; 0 bytes means r1 = 0);
 * `btf`: the context is the traced function's arguments, typed by BTF of the target (fentry,
 * fexit, tp_btf, lsm) — `target` names it; without that BTF such programs cannot be verified.
 */
export type CtxLayout =
  | { kind: 'fields'; size: number; fields: readonly CtxField[] }
  | { kind: 'memory'; size: number; writable: boolean }
  | { kind: 'btf'; target: string };

export interface ProgramType {
  /** Linux's name for the type (`xdp`, `sched_cls`, …), or tbpf's (`raw`). */
  name: string;
  /** Linux's expected attach type the layout and helpers were chosen for, when it matters. */
  attach?: string;
  ctx: CtxLayout;
  /** r2 holds the context's length at entry (the `raw` type). */
  r2IsCtxLen?: boolean;
  /** Helpers this type may call, by id. */
  helpers: ReadonlyMap<number, HelperPrototype>;
  /** Allowed range of r0 at exit (inclusive, signed); any initialised scalar when absent. */
  ret?: { min: number; max: number };
  /** Legacy packet loads (ldabs/ldind) are allowed. */
  ldAbs?: boolean;
  /** Stores through packet pointers are allowed (Linux's may_access_direct_pkt_data, write). */
  pktWrite?: boolean;
  /** Packet pointers may be passed to helpers that accept them (`pktAccess` prototypes). */
  pktHelpers?: boolean;
  /** Loaded with BPF_F_SLEEPABLE: sleepable-only helpers may be called. */
  sleepable?: boolean;
}

/** What the verifier needs of a map (a structural subset of asm's `MapSpec`). */
export interface MapInfo {
  name?: string;
  /** Linux BPF_MAP_TYPE_* number (27 = ringbuf). */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  readOnly?: boolean;
  initialData?: Uint8Array;
  /** Map-in-map (array_of_maps, hash_of_maps): the template every inner map matches. */
  inner?: MapInfo;
  /** Offset of the value's `struct bpf_spin_lock`, when it has one (from BTF). */
  spinLockOff?: number;
  /** Offset of the value's `struct bpf_timer`, when it has one (from BTF). */
  timerOff?: number;
}

/** Source position of an instruction, from .BTF.ext line info. */
export interface LineRef {
  insnIndex: number;
  file: string;
  line: number;
  column?: number;
  source?: string;
}

export type LogLevel = 0 | 1 | 2;

export interface VerifyOptions {
  type: ProgramType;
  /** Maps referenced by `lddw` with pseudo sources map_fd/map_idx (imm = index here). */
  maps?: readonly MapInfo[];
  /** 0: the reason only; 1: branch states; 2: every instruction with its register state. */
  logLevel?: LogLevel;
  /** The RFC's rule: no loops at all (every back-edge is rejected). */
  strictRfc?: boolean;
  /**
   * Linux's checks for programs loaded without CAP_BPF/CAP_PERFMON: no pointer value may leak
   * (into memory, helpers, comparisons, partial copies, pointer differences), no variable stack
   * offsets. Default false (privileged semantics).
   */
  unprivileged?: boolean;
  /** Highest instruction-set version accepted (default 4). */
  cpu?: CpuVersion;
  /** Processed-instruction budget (default 1,000,000, Linux's BPF_COMPLEXITY_LIMIT_INSNS). */
  insnLimit?: number;
  /** Line info, to name the source line of a rejected instruction. */
  lineInfo?: readonly LineRef[];
  /**
   * Instructions the linker poisoned (asm's LinkedProgram.corePoisons: failed CO-RE relocations,
   * unresolved weak kfuncs): reaching one rejects the program with its message.
   */
  corePoisons?: readonly { insnIndex: number; message: string }[];
  /**
   * Called before each instruction the walk processes (once per path that reaches it and is
   * not pruned there), with the state it is reached in. `state()` formats it (as the log
   * does); call it during the callback — the state changes once the walk moves on.
   */
  onInsn?: (insnIndex: number, state: () => InsnState) => void;
}

/** The verifier's state at an instruction on one path, as the log prints it (`R1=ctx()`, `fp-8=mmmm????`). */
export interface InsnState {
  /** Call frames, the entry function's first. */
  frames: readonly FrameState[];
}

export interface FrameState {
  /** The initialised registers. */
  regs: readonly { regno: number; value: string }[];
  /** Stack slots that hold something, from fp-8 down (`m` data, `0` zero, `?` unset, `s` spilled part). */
  stack: readonly { off: number; value: string }[];
}

export interface VerifyStats {
  /** Instructions processed (walked), counting every path. */
  processed: number;
  /** Largest number of states kept for one instruction. */
  maxStatesPerInsn: number;
  totalStates: number;
  peakStates: number;
  /** States pruned because an explored one covered them. */
  pruned: number;
  /** Deepest stack use of any call chain, in bytes. */
  stackDepth: number;
  /**
   * Longest spread of one stack read mark through the program, in instructions (Linux's
   * `mark_read`, the longest read-mark walk; Linux 6.18's static liveness prints 0).
   */
  markRead: number;
}

export interface VerifyErrorInfo {
  insnIndex: number;
  /** `file:line` and the source text, when line info is available. */
  sourceLine?: string;
  reason: string;
}

/** A byte range of the context a program reads at a constant offset. */
export interface CtxRange {
  offset: number;
  size: number;
}

/**
 * What an accepted program reads of its context: the ranges its loads reach on every explored
 * path, or 'all' when the context pointer is passed to a helper (which may read any of it). A
 * host may fill only these bytes of a context it builds per run (trace-host's event records).
 */
export type CtxReads = readonly CtxRange[] | 'all';

export interface VerifyResult {
  accepted: boolean;
  error?: VerifyErrorInfo;
  log: string;
  stats: VerifyStats;
  /** Accepted programs: what they read of the context. */
  ctxReads?: CtxReads;
  /**
   * Accepted programs: indices of the loads and stores through the context pointer (Linux's
   * insn_aux_data ptr_type), ascending — the instructions a runtime rewrites when its context
   * layout differs from the one the program sees (convert_ctx_access).
   */
  ctxInsns?: readonly number[];
  /**
   * Accepted programs: the functions that may read stack bytes no path wrote before (allowed
   * with CAP_PERFMON, as Linux's allow_uninit_stack), each with the bytes below its frame
   * pointer it uses. Engines zero those bytes when the function is entered (vm's
   * `LoadOptions.zeroedStacks`), so every read is defined; other functions pay nothing. Empty
   * for programs that never read uninitialised stack (and always without CAP_PERFMON).
   */
  zeroedStacks?: readonly ZeroedStack[];
}
