/**
 * Load: libbpf's `bpf_object__load`, cilium/ebpf's `NewCollection`. Every program is linked
 * and verified first (nothing is created when one is rejected), then the maps are created and
 * the programs prepared on their engines.
 */
import { type BtfSpec, type KconfigValues, type LinkedProgram, type MapSpec, POISON_HELPER } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import {
  type CtxReads,
  helperSet,
  type LogLevel,
  type ProgramType,
  VerifierError,
  type VerifyOptions,
  type VerifyResult,
  verify,
} from '@tbpf/verifier';
import {
  type BpfMap,
  convertCtxAccesses,
  createMapFromSpec,
  loadInsns,
  MAP_TYPE,
  missingHelpers,
  type PrepareOptions,
  packetKindOf,
  Runtime,
  type RuntimeOptions,
  type ZeroedStack,
} from '@tbpf/vm';
import { BpfObject, Program } from './bpf-object.js';
import { type EngineChoice, prepareProgram } from './engines.js';
import { ObjectError } from './errors.js';
import { kconfigFor } from './kconfig.js';
import { verifierType } from './program-types.js';
import type { ObjectSpec, ProgramInfo } from './spec.js';
import { TypedMap } from './typed-map.js';

export interface LoadOptions {
  /** Programs to load, by function or section name (default: every program). */
  programs?: readonly string[];
  /** 'auto' (default): wasm, then the x86-64 JIT, then the interpreter; or one engine. */
  engine?: EngineChoice;
  /**
   * Options every engine accepts (instruction limit, bounds checks, helpers). Leave out what
   * you do not mean: each engine's defaults are its own (the interpreter checks every access;
   * compiled engines confine accesses to the linear memory). An engine that cannot honour an
   * option refuses it — `auto` then falls back to the next, saying why.
   */
  engineOptions?: PrepareOptions;
  /** Verify every program before loading (default true — libbpf and cilium/ebpf always do). */
  verify?: boolean;
  /**
   * How to verify (default: @tbpf/verifier's `verify`). A host that verified the program
   * elsewhere — in a worker, with time and memory limits — passes that verdict back here.
   */
  verifyWith?: (insns: readonly Insn[], options: VerifyOptions) => VerifyResult;
  /** Detail of the verifier log kept on each program (0, 1 (default) or 2). */
  logLevel?: LogLevel;
  /** The verifier's program type: one for all, or per program (default: from the section, see program-types.ts). */
  type?: ProgramType | ((program: ProgramInfo) => ProgramType | undefined);
  /** Sectionless programs (assembly, raw): the size of the memory r1 points to (default 0: r1 = 0). */
  contextSize?: number;
  /**
   * BTF of the target the programs run against (a host's declared structs), for their CO-RE
   * relocations (default: each object's own BTF, the types it was compiled with).
   */
  targetBtf?: BtfSpec;
  /**
   * Values of `__kconfig` externs (LINUX_KERNEL_VERSION, CONFIG_*: see asm's KconfigValues),
   * over the host's — in Node.js what libbpf would read on this machine (uname, the kernel's
   * config file), in browsers none. Weak externs without a value read 0; a strong one is an error.
   */
  kconfig?: KconfigValues;
  /** More verifier switches. */
  verifier?: Pick<VerifyOptions, 'strictRfc' | 'unprivileged' | 'cpu' | 'insnLimit'>;
  /** Load into this runtime (its memory, helpers and maps); default: a new one. */
  runtime?: Runtime;
  /** Options of the new runtime (printk sink, clock, memory size). */
  runtimeOptions?: RuntimeOptions;
  /** Use an existing map instead of creating one (e.g. keep a replaced filter's counters). */
  reuseMap?: (spec: MapSpec) => BpfMap | undefined;
}

/** `bpf_name#id` of a helper, as the verifier's type names it. */
function helperLabel(type: ProgramType, id: number): string {
  const name = type.helpers.get(id)?.name;
  return name ? `bpf_${name}#${id}` : `helper #${id}`;
}

/** How a linked program refers to one of the object's maps: global data by section, others by name. */
const mapKey = (m: MapSpec) => (m.origin === 'global-data' ? `section ${m.section}` : `map ${m.name}`);

const SUPPORTED_MAP_TYPES = new Set<number>(Object.values(MAP_TYPE));

export function loadObjectSpec(spec: ObjectSpec, options: LoadOptions = {}): BpfObject {
  const runtime = options.runtime ?? new Runtime(options.runtimeOptions);
  const helpers = helperSet(runtime.helpers.list().map((h) => h.proto));
  const chosen = options.programs ? options.programs.map((n) => spec.program(n)) : spec.programs;
  const verifyFirst = options.verify !== false;
  const kconfig = kconfigFor(spec, options.kconfig);

  // 1. Link and verify every program: nothing is created when one fails.
  const checked = chosen.map((info) => {
    const linked = info.link({ targetBtf: options.targetBtf, kconfig });
    const type =
      (typeof options.type === 'function' ? options.type(info) : options.type) ??
      verifierType(info, spec, helpers, options.contextSize ?? 0);
    let log = '';
    let ctxReads: CtxReads = 'all';
    let ctxInsns: readonly number[] | undefined;
    let zeroedStacks: readonly ZeroedStack[] | undefined;
    if (verifyFirst) {
      const result = (options.verifyWith ?? verify)(linked.insns, {
        ...options.verifier,
        type,
        maps: linked.maps,
        logLevel: options.logLevel ?? 1,
        lineInfo: linked.lineInfo,
        corePoisons: linked.corePoisons,
      });
      if (!result.accepted) throw new VerifierError(result, info.name);
      log = result.log;
      ctxReads = result.ctxReads ?? 'all';
      ctxInsns = result.ctxInsns;
      zeroedStacks = result.zeroedStacks;
      // Verified against the program type's helpers (Linux's): the runtime must have them all.
      // Calls of the CO-RE poison helper that the verifier accepted are dead code.
      const missing = missingHelpers(options.engineOptions?.helpers ?? runtime.helpers, linked.insns).filter(
        (id) => id !== POISON_HELPER,
      );
      if (missing.length > 0) {
        const names = missing.map((id) => `${helperLabel(type, id)}`).join(', ');
        throw new ObjectError(
          `program '${info.name}' calls ${names}, which this runtime does not provide (it runs outside a kernel)`,
          'load',
          { program: info.name },
        );
      }
    }
    return { info, linked, type, log, ctxReads, ctxInsns, zeroedStacks };
  });

  // 2. Maps: those the programs use; loading the whole object, also its other maps that tbpf
  // implements (as libbpf creates every map of an object).
  const used = new Set(checked.flatMap((c) => c.linked.maps.map(mapKey)));
  // Global data as the linker left it: the `.kconfig` map's value holds the extern values.
  const linkedData = new Map(checked.flatMap((c) => c.linked.maps.map((m) => [mapKey(m), m.initialData])));
  const live = new Map<string, BpfMap>();
  const unloadedMaps: { name: string; reason: string }[] = [];
  for (const m of spec.maps) {
    const key = mapKey(m);
    if (!used.has(key) && options.programs) {
      unloadedMaps.push({ name: m.name, reason: 'no loaded program uses it' });
      continue;
    }
    if (!used.has(key) && !SUPPORTED_MAP_TYPES.has(m.type)) {
      unloadedMaps.push({ name: m.name, reason: `map type ${m.typeName} is not implemented` });
      continue;
    }
    const initialData = linkedData.get(key) ?? m.initialData;
    live.set(key, options.reuseMap?.(m) ?? createMapFromSpec(runtime, { ...m, initialData }));
  }
  const mapsOf = (l: LinkedProgram) => l.maps.map((m) => live.get(mapKey(m)) as BpfMap);

  // 3. Programs on their engines.
  const programs: Program[] = [];
  try {
    for (const { info, linked, type, log, ctxReads, ctxInsns, zeroedStacks } of checked) {
      // Packet programs see Linux's context structs; the runtime's differ (vm's packet/convert.ts).
      const kind = packetKindOf(type.name);
      const converted = kind && ctxInsns ? convertCtxAccesses(linked.insns, ctxInsns, kind) : undefined;
      const loaded = loadInsns(runtime, converted?.insns ?? linked.insns, {
        name: linked.name,
        section: linked.section,
        maps: mapsOf(linked),
        functionStarts: linked.functionStarts.map((f) => ({
          ...f,
          insnIndex: converted ? converted.start[f.insnIndex] : f.insnIndex,
        })),
        zeroedStacks: zeroedStacks?.map((z) => ({
          ...z,
          insnIndex: converted ? converted.start[z.insnIndex] : z.insnIndex,
        })),
      });
      const { prepared, fallbacks } = prepareProgram(
        loaded,
        options.engine ?? 'auto',
        options.engineOptions ?? {},
        verifyFirst,
      );
      programs.push(
        new Program(info, linked, type, verifyFirst, log, prepared, fallbacks, ctxReads, converted?.origin),
      );
    }
  } catch (e) {
    for (const p of programs) p.dispose();
    throw e;
  }
  const maps = spec.maps.flatMap((m) => {
    const map = live.get(mapKey(m));
    return map ? [new TypedMap(m, map, spec.btf)] : [];
  });
  return new BpfObject(spec, runtime, programs, maps, unloadedMaps);
}
