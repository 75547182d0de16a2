/**
 * The link step: one program of an `ObjectFile` → a self-contained `LinkedProgram` (see its doc
 * in ./types.ts). Like libbpf's `bpf_object__relocate`: sub-programs reachable from the entry
 * are appended after it, local-call offsets fixed, map and global-data `lddw`s rewritten to
 * map-index pseudo sources.
 */
import { type Insn, insnWidth } from '@tbpf/isa';
import type { BtfSpec } from './btf-types.js';
import {
  applyCoreRelocations,
  type CorePoison,
  CoreRelocationError,
  POISON_HELPER,
} from './core-relocations.js';
import { KCONFIG_SECTION, KconfigError, type KconfigValues, kconfigData } from './externs.js';
import type { FuncInfo, LineInfo, LinkedProgram, MapSpec, ObjectFile, ProgramSpec } from './types.js';

/**
 * tbpf's helper ids for the C library functions compilers call for large copies and fills:
 * `memset(dst, c, n)`, `memcpy(dst, src, n)`, `memmove(dst, src, n)` (in tbpf's own range,
 * DESIGN.md §3). The linker turns a call of the undefined symbol into a call of the helper.
 */
export const BUILTIN_HELPERS = { memset: 1010, memcpy: 1011, memmove: 1012 } as const;

/** Why a program could not be linked; names the program, and the function/instruction if known. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  constructor(
    readonly reason: string,
    readonly program: string,
    readonly func?: string,
    readonly insnIndex?: number,
  ) {
    super(
      `program '${program}'${func !== undefined ? `, function '${func}'` : ''}${insnIndex !== undefined ? `, instruction ${insnIndex}` : ''}: ${reason}`,
    );
  }
}

export interface LinkOptions {
  /**
   * BTF of the target the program will run against (the kernel's, or a host's declared
   * structs), for its CO-RE relocations; default the object's own BTF (the types it was
   * compiled with).
   */
  targetBtf?: BtfSpec;
  /**
   * Values of the object's `__kconfig` externs (LINUX_KERNEL_VERSION, CONFIG_*, …); weak ones
   * missing read 0, a strong one missing is a LinkError naming it (as libbpf refuses to load).
   */
  kconfig?: KconfigValues;
}

/**
 * Link the program named `name` (a function of a program section) of `obj` — or any function
 * of the object given as its `ProgramSpec` (e.g. a `.text` function verified on its own).
 */
export function linkProgram(
  obj: ObjectFile,
  program: string | ProgramSpec,
  options: LinkOptions = {},
): LinkedProgram {
  const name = typeof program === 'string' ? program : program.name;
  const entry = typeof program === 'string' ? obj.programs.find((p) => p.name === name) : program;
  if (!entry || !obj.functions.includes(entry)) {
    const known = obj.programs.map((p) => p.name).join(', ') || 'none';
    throw new LinkError(`no such program (programs: ${known})`, name);
  }
  const index = indexFunctions(obj);
  const order = reachableFunctions(index, entry);
  const relocated = new Map(order.map((fn) => [fn, relocateCore(obj, fn, name, options)]));

  // Slot where each function starts in the linked program.
  const startSlot = new Map<ProgramSpec, number>();
  const startIndex = new Map<ProgramSpec, number>();
  let slots = 0;
  let count = 0;
  for (const fn of order) {
    startSlot.set(fn, slots);
    startIndex.set(fn, count);
    const own = relocated.get(fn)!.insns;
    for (const insn of own) slots += insnWidth(insn);
    count += own.length;
  }

  const maps: MapSpec[] = [];
  const mapIndex = (map: MapSpec) => {
    let i = maps.indexOf(map);
    if (i < 0) i = maps.push(map) - 1;
    return i;
  };

  // The `.kconfig` map with the values filled in (every extern checked, as libbpf does), once.
  let kconfig: MapSpec | undefined;
  const kconfigMap = (): MapSpec => {
    if (kconfig) return kconfig;
    const spec = obj.maps.find((m) => m.origin === 'global-data' && m.section === KCONFIG_SECTION);
    if (!spec) throw new LinkError(`kconfig externs without a ${KCONFIG_SECTION} map`, name);
    try {
      kconfig = {
        ...spec,
        initialData: kconfigData(obj.externs ?? [], spec.valueSize, options.kconfig ?? {}),
      };
    } catch (e) {
      if (e instanceof KconfigError) throw new LinkError(e.message, name);
      throw e;
    }
    return kconfig;
  };

  const insns: Insn[] = [];
  const funcInfo: FuncInfo[] = [];
  const lineInfo: LineInfo[] = [];
  const corePoisons: NonNullable<LinkedProgram['corePoisons']> = [];
  for (const fn of order) {
    const base = startIndex.get(fn)!;
    const { insns: own, at, poisons } = relocated.get(fn)!;
    for (const p of poisons) corePoisons.push({ insnIndex: p.insnIndex + base, message: p.message });
    const slotOf = slotIndexer(own, startSlot.get(fn)!);
    for (const original of fn.relocations) {
      const rel = { ...original, insnIndex: at(original.insnIndex) };
      const insn = own[rel.insnIndex];
      const fail = (why: string): never => {
        throw new LinkError(why, name, fn.name, original.insnIndex);
      };
      if (!insn)
        fail(`relocation of instruction ${rel.insnIndex}, past the end (${own.length} instructions)`);
      switch (rel.kind) {
        case 'call':
        case 'func-addr': {
          const callee =
            findFunction(index, rel.section, rel.offset) ??
            fail(`no function at ${rel.section}+${rel.offset}`);
          const rel32 = startSlot.get(callee)! - (slotOf(rel.insnIndex) + 1);
          if (rel.kind === 'call' && insn.kind === 'call') insn.imm = rel32;
          else if (rel.kind === 'func-addr' && insn.kind === 'lddw') {
            insn.source = 'code_addr';
            insn.imm = rel32;
            insn.imm2 = 0;
          } else fail(`a ${rel.kind} relocation on a ${insn.kind} instruction`);
          break;
        }
        case 'map': {
          const map =
            obj.maps.find((m) => m.origin !== 'global-data' && m.name === rel.symbol) ??
            fail(`no map named '${rel.symbol}'`);
          if (map.type === 0)
            fail(`map '${map.name}' has no definition (an object without BTF: compile with -g)`);
          if (insn.kind !== 'lddw') fail('map relocation on a non-lddw instruction');
          else {
            insn.source = 'map_idx';
            insn.imm = mapIndex(map);
            insn.imm2 = 0;
          }
          break;
        }
        case 'global-data': {
          const map =
            obj.maps.find((m) => m.origin === 'global-data' && m.section === rel.section) ??
            fail(`no global-data map for section '${rel.section}'`);
          if (insn.kind !== 'lddw') fail('global-data relocation on a non-lddw instruction');
          else {
            insn.source = 'map_idx_value';
            insn.imm = mapIndex(map);
            insn.imm2 = rel.offset;
          }
          break;
        }
        case 'extern': {
          const ext = obj.externs?.find((e) => e.name === rel.symbol);
          if (ext?.kind === 'kconfig') {
            if (insn.kind !== 'lddw') fail(`extern (kcfg) '${ext.name}' used by a ${insn.kind} instruction`);
            else {
              insn.source = 'map_idx_value';
              insn.imm = mapIndex(kconfigMap());
              insn.imm2 = ext.kconfig!.offset;
            }
            break;
          }
          if (ext?.kind === 'ksym') {
            const what = ext.func ? 'kfunc' : 'ksym';
            if (!ext.weak)
              fail(`extern (${what}) '${ext.name}': kernel symbols do not exist outside a kernel`);
            // Unresolved weak ksyms, as libbpf leaves them: the address is 0 (bpf_ksym_exists()
            // is false); a call is poisoned, refused by the verifier only where it can run.
            if (insn.kind === 'lddw') Object.assign(insn, { source: 'imm64', imm: 0, imm2: 0 });
            else if (insn.kind === 'call') {
              own[rel.insnIndex] = { kind: 'call', target: 'helper', imm: POISON_HELPER };
              corePoisons.push({
                insnIndex: base + rel.insnIndex,
                message: `invalid kfunc call: kfunc '${ext.name}' is referenced but wasn't resolved (a weak __ksym: kernel functions do not exist outside a kernel)`,
              });
            } else fail(`extern (${what}) '${ext.name}' used by a ${insn.kind} instruction`);
            break;
          }
          // Old compilers leave calls to memset/memcpy/memmove for large copies: they become
          // calls of tbpf's builtin helpers (PREVAIL checks them as builtins too).
          const builtin = BUILTIN_HELPERS[rel.symbol as keyof typeof BUILTIN_HELPERS];
          if (builtin !== undefined && insn.kind === 'call' && insn.target === 'local' && !rel.section) {
            own[rel.insnIndex] = { kind: 'call', target: 'helper', imm: builtin };
            break;
          }
          fail(
            `unresolved reference to '${rel.symbol}'${rel.section ? ` in section '${rel.section}'` : ' (an extern symbol)'}`,
          );
        }
      }
    }
    insns.push(...own);
    for (const f of fn.funcInfo) funcInfo.push({ ...f, insnIndex: at(f.insnIndex) + base });
    for (const l of fn.lineInfo) lineInfo.push({ ...l, insnIndex: at(l.insnIndex) + base });
  }
  const linked: LinkedProgram = {
    name,
    section: entry.section,
    insns,
    maps,
    functionStarts: order.map((fn) => ({ name: fn.name, insnIndex: startIndex.get(fn)! })),
    funcInfo,
    lineInfo,
  };
  if (obj.license !== undefined) linked.license = obj.license;
  if (corePoisons.length) linked.corePoisons = corePoisons;
  return linked;
}

/**
 * A function's instructions (a copy) with its CO-RE relocations applied against the target.
 * A poisoned lddw keeps its two slots as two poisoned calls (libbpf poisons both halves), so
 * the instructions after it move by one: `at` maps an index of `fn.insns` to the copy's.
 */
function relocateCore(
  obj: ObjectFile,
  fn: ProgramSpec,
  program: string,
  options: LinkOptions,
): { insns: Insn[]; at: (index: number) => number; poisons: CorePoison[] } {
  const insns = fn.insns.map((insn) => ({ ...insn }) as Insn);
  if (!fn.coreRelocations?.length) return { insns, at: (i) => i, poisons: [] };
  const local = obj.btf;
  if (!local) throw new LinkError("CO-RE relocations without the object's BTF", program, fn.name);
  let poisons: CorePoison[];
  try {
    poisons = applyCoreRelocations(insns, fn.coreRelocations, local, options.targetBtf ?? local);
  } catch (e) {
    if (!(e instanceof CoreRelocationError)) throw e;
    throw new LinkError(`CO-RE ${e.message}`, program, fn.name);
  }
  const split = poisons.filter((p) => p.lddw).map((p) => p.insnIndex);
  if (!split.length) return { insns, at: (i) => i, poisons };
  const at = (i: number) => i + split.filter((s) => s < i).length;
  const out: Insn[] = [];
  insns.forEach((insn, i) => {
    out.push(insn);
    if (split.includes(i)) out.push({ ...insn });
  });
  return { insns: out, at, poisons: poisons.map((p) => ({ ...p, insnIndex: at(p.insnIndex) })) };
}

/** Link every program of the object. */
export function linkAll(obj: ObjectFile): LinkedProgram[] {
  return obj.programs.map((p) => linkProgram(obj, p.name));
}

type FunctionIndex = Map<string, ProgramSpec>;

/** Functions by section and start offset (built per link: the spec is editable data). */
function indexFunctions(obj: ObjectFile): FunctionIndex {
  const index: FunctionIndex = new Map();
  for (const f of obj.functions) {
    const key = `${f.section}\0${f.sectionOffset}`;
    if (!index.has(key)) index.set(key, f);
  }
  return index;
}

function findFunction(index: FunctionIndex, section: string, offset: number): ProgramSpec | undefined {
  return index.get(`${section}\0${offset}`);
}

/** Entry first, then every function reachable through calls or function addresses, in first-reached order. */
function reachableFunctions(index: FunctionIndex, entry: ProgramSpec): ProgramSpec[] {
  const order = [entry];
  const seen = new Set(order);
  for (let i = 0; i < order.length; i++) {
    const fn = order[i];
    for (const rel of fn.relocations) {
      if (rel.kind !== 'call' && rel.kind !== 'func-addr') continue;
      const callee = findFunction(index, rel.section, rel.offset);
      if (!callee)
        throw new LinkError(
          `call target ${rel.section}+${rel.offset} ('${rel.symbol}') is not the start of a function`,
          entry.name,
          fn.name,
          rel.insnIndex,
        );
      if (!seen.has(callee)) {
        seen.add(callee);
        order.push(callee);
      }
    }
  }
  return order;
}

/** slotOf(i): the linked-program slot of instruction i of a function starting at `firstSlot`. */
function slotIndexer(insns: readonly Insn[], firstSlot: number): (index: number) => number {
  const starts: number[] = [];
  let s = firstSlot;
  for (const insn of insns) {
    starts.push(s);
    s += insnWidth(insn);
  }
  return (index) => starts[index];
}
