/**
 * A runtime: one linear memory, the maps living in it, the helper registry and the host hooks
 * helpers use (trace_printk sink, clock, random numbers, dump_stack). Programs are loaded into
 * a runtime (./loader.ts) and run by an engine (./engine.ts).
 */
import { VmError } from './errors.js';
import type { HelperRegistry } from './helpers/registry.js';
import { standardHelpers } from './helpers/standard.js';
import { STACK_REGION_SIZE } from './limits.js';
import { type CreateMapOptions, createMap } from './maps/create.js';
import type { BpfMap, MapDefinition } from './maps/map.js';
import { LinearMemory, type Region, type RegionKind } from './memory.js';
import type { PacketContext } from './packet/context.js';
import { TailCalls } from './tail-call.js';

/** How many trace_printk lines the default sink keeps. */
export const PRINTK_LOG_LINES = 10_000;

/** Who a program runs for, as the get_current_* helpers report it. */
export interface TaskIdentity {
  pid: number;
  tgid: number;
  uid: number;
  gid: number;
  comm: string;
}

export interface RuntimeOptions {
  /** Linear memory size in bytes (default 16 MiB, rounded up to 64 KiB pages). */
  memoryBytes?: number;
  /** Helpers (default: `standardHelpers()`, a fresh registry per runtime). */
  helpers?: HelperRegistry;
  /** Receives every trace_printk line, without a trailing newline (default: kept in `printkLog`, the last PRINTK_LOG_LINES). */
  printk?: (line: string) => void;
  /** Nanoseconds for bpf_ktime_get_ns, an integer < 2^53 (default: `performance.now()` scaled). */
  clock?: () => number;
  /** A u32 for bpf_get_prandom_u32 (default: a xorshift generator seeded with `seed`). */
  random?: () => number;
  /** Seed of the default random generator (default 1). */
  seed?: number;
  /** bpf_get_smp_processor_id (default 0). */
  cpu?: number;
  /**
   * The "current task" of bpf_get_current_pid_tgid / _uid_gid / _comm (default: pid, tgid,
   * uid and gid 0, comm '' — a runtime outside a kernel has no task of its own; hosts set theirs).
   */
  task?: Partial<TaskIdentity>;
  /**
   * The call chain bpf_get_stack / bpf_get_stackid report (`user`: the user-space one), innermost
   * first, as instruction addresses (default: none — a runtime outside a kernel has no stack of
   * its own; hosts give theirs).
   */
  stack?: (user: boolean) => readonly bigint[];
  /** The RFC's bpf_dump_stack (helper 1003); default: a line through the printk sink. */
  dumpStack?: () => void;
}

export class Runtime {
  readonly memory: LinearMemory;
  readonly helpers: HelperRegistry;
  /** Lines printed by trace_printk when no `printk` sink is given (the most recent PRINTK_LOG_LINES). */
  readonly printkLog: string[] = [];
  readonly printk: (line: string) => void;
  readonly clock: () => number;
  readonly random: () => number;
  readonly cpu: number;
  readonly task: TaskIdentity;
  readonly dumpStack: () => void;
  /** Live packet contexts by the offset of their context region (what r1 points at). */
  readonly packets = new Map<number, PacketContext>();
  /** The packet context whose run is in progress (for helpers with no context argument). */
  packetInFlight: PacketContext | undefined;
  readonly stack: (user: boolean) => readonly bigint[];
  /** bpf_tail_call's state during a run (./tail-call.ts). */
  readonly tailCalls = new TailCalls();
  private readonly mapList: BpfMap[] = [];
  private readonly byDescriptor = new Map<number, BpfMap>();

  constructor(options: RuntimeOptions = {}) {
    this.memory = new LinearMemory({ bytes: options.memoryBytes });
    this.helpers = options.helpers ?? standardHelpers();
    this.printk =
      options.printk ??
      ((line) => {
        if (this.printkLog.push(line) > PRINTK_LOG_LINES) this.printkLog.shift();
      });
    this.clock = options.clock ?? defaultClock;
    this.random = options.random ?? xorshift32(options.seed ?? 1);
    this.cpu = options.cpu ?? 0;
    this.task = { pid: 0, tgid: 0, uid: 0, gid: 0, comm: '', ...options.task };
    this.dumpStack = options.dumpStack ?? (() => this.printk('<dump_stack>'));
    this.stack = options.stack ?? (() => []);
  }

  /** Create a map; its id (the `fd` for lddw map_fd) is 1 + the number of maps before it. */
  createMap(def: MapDefinition, options: CreateMapOptions = {}): BpfMap {
    const map = createMap(this.memory, def, this.mapList.length + 1, options);
    this.mapList.push(map);
    this.byDescriptor.set(map.descriptor.start, map);
    return map;
  }

  /** Every map, by id order. */
  get maps(): readonly BpfMap[] {
    return this.mapList;
  }

  /** The map with this id (fd), or undefined. */
  mapById(id: number): BpfMap | undefined {
    return this.mapList[id - 1];
  }

  mapByName(name: string): BpfMap | undefined {
    return this.mapList.find((m) => m.name === name);
  }

  /** The map whose descriptor is at `offset` (a map pointer's low half), or undefined. */
  mapAt(offset: number): BpfMap | undefined {
    return this.byDescriptor.get(offset);
  }

  /** A stack region for one prepared program: MAX_CALL_FRAMES frames of STACK_SIZE bytes. */
  allocStack(): Region {
    return this.memory.alloc(STACK_REGION_SIZE, { name: 'stack', kind: 'stack', writable: true, align: 16 });
  }

  /** Allocate a region and copy `data` into it (e.g. a context or a host struct). */
  allocData(data: Uint8Array, name: string, kind: RegionKind = 'context', writable = true): Region {
    const region = this.memory.alloc(Math.max(1, data.length), { name, kind, writable });
    this.memory.write(region.start, data);
    return region;
  }

  /** True if [offset, offset + size) lies inside one region (what probe reads check). */
  readable(offset: number, size: number): boolean {
    return offset >= 0 && this.memory.regionAt(offset, size) !== undefined;
  }

  /** The map behind a map pointer value (high half 1, low half the descriptor's offset). */
  mapOfPointer(lo: number, hi: number, pc = -1): BpfMap {
    const map = hi === 1 ? this.byDescriptor.get(lo >>> 0) : undefined;
    if (!map) {
      const addr = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      throw new VmError('helper-failed', `0x${addr.toString(16)} is not a map pointer`, pc, addr);
    }
    return map;
  }
}

function defaultClock(): number {
  return Math.round(globalThis.performance.now() * 1e6);
}

/** xorshift32: a small deterministic u32 generator. */
export function xorshift32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}
