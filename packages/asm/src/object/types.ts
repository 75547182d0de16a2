/**
 * The object model: plain, editable data parsed from an ELF object (or produced by a compiler,
 * or translated from an RFC 2013 draft image). Nothing here is live: loading (the vm layer)
 * turns a `LinkedProgram` into maps and a runnable program. Compare cilium/ebpf's
 * `CollectionSpec` / `ProgramSpec` / `MapSpec`.
 *
 * Instruction indices (`insnIndex`) count instructions, with `lddw` counting once; they are not
 * 8-byte slot numbers.
 */
import type { Endian, Insn } from '@tbpf/isa';
import type { BtfSpec } from './btf-types.js';
import type { CoreRelocation } from './core-relocations.js';
import type { ExternSpec } from './externs.js';

export type { BtfSpec } from './btf-types.js';

/** One ELF section, as listed by `llvm-readelf -S`. */
export interface SectionInfo {
  index: number;
  name: string;
  /** SHT_* number (1 PROGBITS, 2 SYMTAB, 3 STRTAB, 8 NOBITS, 9 REL, …). */
  type: number;
  /** SHF_* bits (2 ALLOC, 4 EXECINSTR, …). */
  flags: number;
  size: number;
  offset: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

/** What a relocated instruction refers to. */
export type RelocationKind =
  /** `lddw rX, map` — the address of a map (R_BPF_64_64 against a symbol in `.maps`/`maps`). */
  | 'map'
  /** `lddw rX, &global` — the address of a global variable (R_BPF_64_64 into .data/.rodata/.bss). */
  | 'global-data'
  /** A BPF-to-BPF call (R_BPF_64_32 on a `call` with src = 1). */
  | 'call'
  /** `lddw rX, &function` — the address of a function (callbacks), src = 4 after linking. */
  | 'func-addr'
  /**
   * A reference to an undefined symbol: a `__kconfig` extern (linked as global data of the
   * `.kconfig` map), a `__ksym` (weak: 0), or an unknown one (a link error).
   */
  | 'extern';

export interface Relocation {
  /** Index of the relocated instruction within the function's `insns`. */
  insnIndex: number;
  kind: RelocationKind;
  /** The target symbol's name (for section symbols: the section's name). */
  symbol: string;
  /** Section that holds the target ('' for undefined symbols). */
  section: string;
  /**
   * Byte offset of the target inside `section`: for maps, the map symbol's offset in `.maps`;
   * for global data, symbol value + the instruction's imm (the variable's address); for calls,
   * the called function's start.
   */
  offset: number;
  /** The raw ELF relocation type (1 R_BPF_64_64, 10 R_BPF_64_32, …). */
  elfType: number;
}

/** `.BTF.ext` func_info, with the BTF FUNC resolved to its name. */
export interface FuncInfo {
  insnIndex: number;
  /** BTF type id of the FUNC. */
  typeId: number;
  name: string;
}

/** `.BTF.ext` line_info, with file name and source text resolved from the BTF string table. */
export interface LineInfo {
  insnIndex: number;
  file: string;
  /** The source line's text as recorded by the compiler ('' if none). */
  source: string;
  line: number;
  column: number;
}

/** A construct the object uses that tbpf does not support, reported by name (never ignored). */
export interface UnsupportedFeature {
  /** e.g. 'co-re-relocation', 'extern', 'kconfig'. */
  feature: string;
  /** Where: a section, function or symbol name. */
  where: string;
  detail: string;
}

/**
 * One function symbol of an executable section. In a program section (`SEC("kprobe/x")`) each
 * global function is a program entry; in `.text` functions are sub-programs reached by calls.
 */
export interface ProgramSpec {
  name: string;
  /** The ELF section, i.e. the `SEC()` name (`.text` for sub-programs). */
  section: string;
  /** Byte offset of the function in its section. */
  sectionOffset: number;
  /** STB_GLOBAL / STB_WEAK (true) or STB_LOCAL (false). */
  global: boolean;
  insns: Insn[];
  relocations: Relocation[];
  funcInfo: FuncInfo[];
  lineInfo: LineInfo[];
  /** CO-RE relocations from `.BTF.ext`, resolved when the program is linked. */
  coreRelocations?: CoreRelocation[];
}

/** Linux map type numbers (enum bpf_map_type), by readable name. */
export const MAP_TYPES = {
  unspec: 0,
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
  inode_storage: 28,
  task_storage: 29,
  bloom_filter: 30,
  user_ringbuf: 31,
  cgrp_storage: 32,
  arena: 33,
} as const;
export type MapTypeName = keyof typeof MAP_TYPES;

/** The readable name of a map type number, or `type_<n>` for numbers Linux does not define. */
export function mapTypeName(type: number): string {
  for (const [name, n] of Object.entries(MAP_TYPES)) if (n === type) return name;
  return `type_${type}`;
}

/** BPF_F_RDONLY_PROG: the program may only read the map (libbpf sets it on .rodata). */
export const BPF_F_RDONLY_PROG = 0x80;
/** BPF_F_MMAPABLE: libbpf sets it on global-data maps. */
export const BPF_F_MMAPABLE = 0x400;

/** Where a map definition came from. */
export type MapOrigin = 'btf' | 'legacy' | 'global-data' | 'rfc-table';

/** A named variable inside a global-data map's value. */
export interface GlobalVariable {
  name: string;
  offset: number;
  size: number;
  global: boolean;
}

export interface MapSpec {
  /** Symbol name for `.maps`/`maps` entries; the section name for global data (`.rodata`, …). */
  name: string;
  /** Linux BPF_MAP_TYPE_* number. */
  type: number;
  /** `mapTypeName(type)`, kept for readers. */
  typeName: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  origin: MapOrigin;
  /** The ELF section the definition (or data) lives in. */
  section: string;
  /** Global-data maps: the initial contents of the single value (zeros for .bss). */
  initialData?: Uint8Array;
  /** Global-data maps: the variables (ELF OBJECT symbols) in the value, by byte offset. */
  variables?: GlobalVariable[];
  /** Global-data maps from .rodata*: frozen after loading, read-only to programs. */
  readOnly?: boolean;
  /**
   * Maps of maps: the template inner maps must match — the legacy definition's inner_map_idx, or
   * the BTF definition's `__array(values, struct …)`.
   */
  inner?: MapSpec;
  /** Byte offset of the value's `struct bpf_spin_lock` (from the value's BTF), when it has one. */
  spinLockOff?: number;
  /** Byte offset of the value's `struct bpf_timer`, when it has one. */
  timerOff?: number;
  /** BTF type ids of key and value when the definition names them (`__type(key, T)`). */
  btfKeyType?: number;
  btfValueType?: number;
}

export interface ObjectFile {
  endian: Endian;
  sections: SectionInfo[];
  /**
   * Program entry points: the functions of every executable section except `.text`; an object
   * with no such section (a plain C file without `SEC()`) has its global `.text` functions.
   */
  programs: ProgramSpec[];
  /** Every function symbol of every executable section (programs included, same objects). */
  functions: ProgramSpec[];
  maps: MapSpec[];
  license?: string;
  /** The legacy `version` section (kernel version), when present. */
  kernelVersion?: number;
  btf?: BtfSpec;
  /**
   * `__kconfig` / `__ksym` externs (undefined symbols the BTF places in DATASEC `.kconfig` /
   * `.ksyms`); kconfig ones are read through the `.kconfig` global-data map in `maps`.
   */
  externs?: ExternSpec[];
  unsupported: UnsupportedFeature[];
}

/**
 * A program ready to load: self-contained (no references to the ObjectFile).
 *
 * - `insns`: the entry function followed by every sub-program it can reach (transitively),
 *   each appended once, in first-reached order; local calls (`call` with target 'local') have
 *   their `imm` fixed to the slot offset of the callee, as libbpf does.
 * - Every map or global-data reference is an `lddw` with source `map_idx` (5, "the map at
 *   index imm") or `map_idx_value` (6, "address of byte imm2 in the value of map imm");
 *   `imm` indexes `maps`. Loaders create `maps` in order and patch these `lddw`s.
 * - A function address (`lddw rX, &fn`) becomes source `code_addr` (4) with imm = the callee's
 *   slot offset counted, like a call's, from the slot after the lddw's first slot (the
 *   kernel's BPF_PSEUDO_FUNC convention: target = slot + imm + 1).
 * - `funcInfo`/`lineInfo` index `insns`.
 */
export interface LinkedProgram {
  name: string;
  section: string;
  insns: Insn[];
  maps: MapSpec[];
  /** Where each function (entry first) starts in `insns`. */
  functionStarts: { name: string; insnIndex: number }[];
  funcInfo: FuncInfo[];
  lineInfo: LineInfo[];
  license?: string;
  /**
   * Instructions poisoned as libbpf poisons them (calls of POISON_HELPER): CO-RE relocations the
   * target could not satisfy and calls of unresolved weak kfuncs, each with the verifier's
   * message if it can run.
   */
  corePoisons?: { insnIndex: number; message: string }[];
}
