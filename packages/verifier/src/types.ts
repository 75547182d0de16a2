/**
 * The data a verification is parameterised by: program types (what a program may touch), the
 * maps it references, options, and the result.
 */
import type { CpuVersion } from '@tbpf/isa';
import type { HelperPrototype } from '@tbpf/vm';

/** One readable (optionally writable) range of the context. */
export interface CtxField {
  name: string;
  off: number;
  size: number;
  write?: boolean;
  /** Loads of an aligned part of the field (Linux's "narrow" ctx loads); default true. */
  narrow?: boolean;
  /** What a full-size load of the field yields (default: a scalar). */
  loads?: 'pkt' | 'pkt_end' | 'pkt_meta';
}

/**
 * The context layout. `fields`: only the listed ranges are accessible (kprobe's pt_regs, a
 * tracepoint record, __sk_buff); `memory`: r1 is a plain block of `size` bytes that may be
 * indexed and moved like any memory pointer (the `raw` type; 0 bytes means r1 = 0).
 */
export type CtxLayout =
  | { kind: 'fields'; size: number; fields: readonly CtxField[] }
  | { kind: 'memory'; size: number; writable: boolean };

export interface ProgramType {
  name: string;
  ctx: CtxLayout;
  /** r2 holds the context's length at entry (the `raw` type). */
  r2IsCtxLen?: boolean;
  /** Helpers this type may call, by id. */
  helpers: ReadonlyMap<number, HelperPrototype>;
  /** Allowed range of r0 at exit (inclusive, signed); any initialised scalar when absent. */
  ret?: { min: number; max: number };
  /** Legacy packet loads (ldabs/ldind) are allowed. */
  ldAbs?: boolean;
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
}

export interface VerifyErrorInfo {
  insnIndex: number;
  /** `file:line` and the source text, when line info is available. */
  sourceLine?: string;
  reason: string;
}

export interface VerifyResult {
  accepted: boolean;
  error?: VerifyErrorInfo;
  log: string;
  stats: VerifyStats;
}
