/**
 * Loading: instructions (from an asm LinkedProgram, raw bytes or a builder list) become a
 * LoadedProgram bound to a runtime. A LinkedProgram's maps are created in the runtime (global
 * data initialised from its sections, `.rodata` read-only) and every lddw pseudo source is
 * resolved to a 64-bit constant:
 *
 * - imm64: the constant itself;
 * - map_fd (1): the address of the runtime's map with id `imm`;
 * - map_value (2): the address of byte `imm2` of element 0's value of map id `imm` (array maps);
 * - map_idx (5) / map_idx_value (6): the same through the program's map list, index `imm`;
 * - code_addr (4): the callee's instruction index (hi 0; target slot = lddw slot + imm + 1) —
 *   tbpf has no callback helpers yet;
 * - var_addr (3): rejected (no kernel variables).
 */
import { type AssembleOptions, assemble, type LinkedProgram, type MapSpec } from '@tbpf/asm';
import {
  decode,
  decodePacked,
  type Insn,
  IsaError,
  KIND_LDDW,
  LDDW_SOURCES,
  OP_KIND,
  OP_SUB,
  type PackedInsns,
  packedBranchTargets,
  packInsns,
} from '@tbpf/isa';
import { VmError } from './errors.js';
import { STACK_SIZE } from './limits.js';
import { ArrayMap } from './maps/array.js';
import type { BpfMap } from './maps/map.js';
import { BPF_ADDRESS_BASE } from './memory.js';
import type { LddwConstant, LoadedProgram, ZeroedStack } from './program.js';
import type { Runtime } from './runtime.js';

export interface LoadOptions {
  name?: string;
  section?: string;
  /** Maps that `map_idx` / `map_idx_value` refer to, by index. */
  maps?: readonly BpfMap[];
  functionStarts?: readonly { name: string; insnIndex: number }[];
  /** Functions whose stack engines zero on entry (the verifier's `zeroedStacks`). */
  zeroedStacks?: readonly ZeroedStack[];
}

function split(address: number): { lo: number; hi: number } {
  return { lo: address | 0, hi: Math.floor(address / 0x1_0000_0000) | 0 };
}

function valueAddress(map: BpfMap, offset: number, pc: number): number {
  if (!(map instanceof ArrayMap)) {
    throw new VmError('load', `lddw: direct value access needs an array map, map ${map.name} is not one`, pc);
  }
  if (offset < 0 || offset >= Math.max(1, map.valueSize)) {
    throw new VmError(
      'load',
      `lddw: offset ${offset} is outside the ${map.valueSize}-byte value of map ${map.name}`,
      pc,
    );
  }
  return BPF_ADDRESS_BASE + map.valueOffset(0) + offset;
}

/**
 * The resolved constant of every lddw, by instruction index. Other instructions have holes
 * (read as undefined), so a pass over the constants (forEach) visits the lddws only. `lddwFree`:
 * the caller knows the program has none (each lddw takes two slots), and nothing is scanned.
 */
function resolve(
  runtime: Runtime,
  code: PackedInsns,
  maps: readonly BpfMap[],
  lddwFree: boolean,
): (LddwConstant | undefined)[] {
  const constants = new Array<LddwConstant | undefined>(code.length);
  if (lddwFree) return constants;
  let slots: Int32Array | undefined;
  const slotOf = (): Int32Array => {
    slots ??= packedBranchTargets(code).slot;
    return slots;
  };
  for (let pc = 0; pc < code.length; pc++) {
    if (OP_KIND[code.op[pc]] === KIND_LDDW) constants[pc] = lddwConstant(runtime, code, maps, pc, slotOf);
  }
  return constants;
}

/** The 64-bit constant of the lddw at `pc` (its pseudo source resolved); `slotOf` gives each instruction's slot. */
function lddwConstant(
  runtime: Runtime,
  code: PackedInsns,
  maps: readonly BpfMap[],
  pc: number,
  slotOf: () => Int32Array,
): LddwConstant {
  const source = LDDW_SOURCES[OP_SUB[code.op[pc]]];
  const imm = code.imm[pc];
  const imm2 = code.imm2[pc];
  const byIndex = (): BpfMap => {
    const map = maps[imm];
    if (!map) throw new VmError('load', `lddw: no map at index ${imm} (the program has ${maps.length})`, pc);
    return map;
  };
  const byFd = (): BpfMap => {
    const map = runtime.mapById(imm);
    if (!map) throw new VmError('load', `lddw: no map with fd ${imm}`, pc);
    return map;
  };
  switch (source) {
    case 'imm64':
      return { source, lo: imm, hi: imm2 };
    case 'map_fd':
    case 'map_idx': {
      const map = source === 'map_fd' ? byFd() : byIndex();
      return { source, ...split(map.pointer), map };
    }
    case 'map_value':
    case 'map_idx_value': {
      const map = source === 'map_value' ? byFd() : byIndex();
      return { source, ...split(valueAddress(map, imm2, pc)), map, valueOffset: imm2 };
    }
    case 'code_addr': {
      const target = codeTarget(slotOf(), pc, imm);
      return { source, lo: target, hi: 0, target };
    }
    default:
      throw new VmError('load', `lddw: pseudo source '${source}' is not supported`, pc);
  }
}

/** code_addr: the kernel's BPF_PSEUDO_FUNC convention, target slot = the lddw's slot + imm + 1. */
function codeTarget(slots: Int32Array, pc: number, imm: number): number {
  const want = slots[pc] + imm + 1;
  for (let i = 0; i < slots.length - 1; i++) if (slots[i] === want) return i;
  throw new VmError('load', 'lddw: code address outside the program', pc);
}

/** Pack instructions; one with no encoding (or a register outside r0–r10) is rejected with its index. */
function pack(insns: readonly Insn[]): PackedInsns {
  try {
    return packInsns(insns);
  } catch (e) {
    if (e instanceof IsaError) throw new VmError('load', e.reason, e.index);
    throw e;
  }
}

/**
 * Bind instructions to a runtime. Instructions that have no encoding are rejected with their
 * index; the program is also packed (`LoadedProgram.code`) for the engines.
 */
export function loadInsns(
  runtime: Runtime,
  insns: readonly Insn[],
  options: LoadOptions = {},
): LoadedProgram {
  if (insns.length === 0) throw new VmError('load', 'the program has no instructions');
  return bind(runtime, pack(insns), () => insns, options, false);
}

/**
 * The LoadedProgram of a packed program. `insns` gives its instruction objects, asked for only
 * when someone reads `LoadedProgram.insns` (engines read `code`); `lddwFree` as in `resolve`.
 */
function bind(
  runtime: Runtime,
  code: PackedInsns,
  insns: () => readonly Insn[],
  options: LoadOptions,
  lddwFree: boolean,
): LoadedProgram {
  checkZeroedStacks(code.length, options.zeroedStacks ?? []);
  const maps = options.maps ?? [];
  let objects: readonly Insn[] | undefined;
  return {
    name: options.name ?? 'prog',
    section: options.section,
    runtime,
    get insns() {
      objects ??= insns();
      return objects;
    },
    code,
    constants: resolve(runtime, code, maps, lddwFree),
    maps,
    functionStarts: options.functionStarts ?? [{ name: options.name ?? 'prog', insnIndex: 0 }],
    zeroedStacks: options.zeroedStacks,
  };
}

/** Each zeroed stack names an instruction of the program and whole 8-byte slots of one frame. */
function checkZeroedStacks(length: number, zeroed: readonly ZeroedStack[]): void {
  for (const { insnIndex, bytes } of zeroed) {
    if (!Number.isInteger(insnIndex) || insnIndex < 0 || insnIndex >= length)
      throw new VmError('load', `zeroed stack: no instruction ${insnIndex}`);
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > STACK_SIZE || bytes % 8 !== 0)
      throw new VmError(
        'load',
        `zeroed stack: ${bytes} bytes is not a multiple of 8 up to ${STACK_SIZE}`,
        insnIndex,
      );
  }
}

/**
 * Decode little-endian program bytes and bind them. Bad bytes: VmError with the instruction
 * index. The bytes go straight to the packed form; instruction objects are decoded only if
 * someone reads `LoadedProgram.insns`.
 */
export function loadBytes(runtime: Runtime, bytes: Uint8Array, options: LoadOptions = {}): LoadedProgram {
  let code: PackedInsns;
  try {
    code = decodePacked(bytes);
  } catch (e) {
    if (e instanceof IsaError) {
      throw new VmError(e.code === 'unknown-opcode' ? 'unknown-opcode' : 'load', e.reason, e.index);
    }
    throw e;
  }
  if (code.length === 0) throw new VmError('load', 'the program has no instructions');
  const copy = bytes.slice(); // insns are decoded later: from the bytes as they are now
  return bind(runtime, code, () => decode(copy), options, code.length * 8 === bytes.length);
}

/** Create a map from an ELF/compiler MapSpec (global data initialised, .rodata read-only). */
export function createMapFromSpec(runtime: Runtime, spec: MapSpec): BpfMap {
  const map = runtime.createMap(
    {
      name: spec.name,
      type: spec.type,
      keySize: spec.keySize,
      valueSize: spec.valueSize,
      maxEntries: spec.maxEntries,
      flags: spec.flags,
    },
    { readOnly: spec.readOnly },
  );
  if (spec.initialData && map instanceof ArrayMap) {
    runtime.memory.write(map.valueOffset(0), spec.initialData.subarray(0, map.valueSize));
  }
  return map;
}

/** Create a LinkedProgram's maps in the runtime and bind its instructions. */
export function loadLinked(runtime: Runtime, linked: LinkedProgram): LoadedProgram {
  const maps = linked.maps.map((spec) => createMapFromSpec(runtime, spec));
  return loadInsns(runtime, linked.insns, {
    name: linked.name,
    section: linked.section,
    maps,
    functionStarts: linked.functionStarts,
  });
}

/** Assemble text (either syntax) and bind it. Assembly errors are @tbpf/asm's AsmError, with line:column. */
export function loadText(
  runtime: Runtime,
  text: string,
  options: AssembleOptions & LoadOptions = {},
): LoadedProgram {
  return loadInsns(runtime, assemble(text, options).insns, options);
}
