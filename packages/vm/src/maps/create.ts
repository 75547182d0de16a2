import { VmError } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { ArrayMap } from './array.js';
import { HashMap } from './hash.js';
import { DESC_SIZE, nextPow2, RING_HEADER, round8, SLOT_HEADER } from './layout.js';
import type { BpfMap, MapDefinition } from './map.js';
import { PerfEventArray } from './perf-event-array.js';
import { ProgArray } from './prog-array.js';
import { QueueStackMap } from './queue-stack.js';
import { RedirectMap } from './redirect-map.js';
import { RingBuffer } from './ringbuf.js';
import { StackTraceMap } from './stack-trace.js';

/** Linux BPF_MAP_TYPE_* numbers of the map types tbpf implements. */
export const MAP_TYPE = {
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  lru_hash: 9,
  lru_percpu_hash: 10,
  devmap: 14,
  cpumap: 16,
  xskmap: 17,
  queue: 22,
  stack: 23,
  devmap_hash: 25,
  ringbuf: 27,
} as const;

export interface CreateMapOptions {
  /** Array maps: read-only to programs (global data from .rodata). */
  readOnly?: boolean;
}

const U32_MAX = 0xffff_ffff;
/** Slots of a perf event array declared with max_entries 0 ("one per CPU"). */
const PERF_CPUS = 64;

/**
 * Bytes a map's descriptor and tables take in the linear memory (ints up to ~2^66: exact enough
 * to compare with the memory's size), or undefined for an unsupported type.
 */
function bytesNeeded(def: MapDefinition): number | undefined {
  switch (def.type) {
    case MAP_TYPE.array:
    case MAP_TYPE.percpu_array:
      return DESC_SIZE + round8(def.valueSize) * def.maxEntries;
    case MAP_TYPE.hash:
    case MAP_TYPE.percpu_hash:
    case MAP_TYPE.lru_hash:
    case MAP_TYPE.lru_percpu_hash:
      return (
        DESC_SIZE +
        nextPow2(Math.max(2, 2 * def.maxEntries)) *
          (SLOT_HEADER + round8(def.keySize) + round8(def.valueSize))
      );
    case MAP_TYPE.ringbuf:
      return DESC_SIZE + RING_HEADER + def.maxEntries;
    case MAP_TYPE.perf_event_array:
    case MAP_TYPE.prog_array:
    case MAP_TYPE.devmap:
    case MAP_TYPE.devmap_hash:
    case MAP_TYPE.cpumap:
    case MAP_TYPE.xskmap:
      return DESC_SIZE;
    case MAP_TYPE.stack_trace:
      // The chains live on the JavaScript side; bounding them by the memory keeps a full map finite.
      return DESC_SIZE + def.valueSize * def.maxEntries;
    case MAP_TYPE.queue:
    case MAP_TYPE.stack:
      // The values live on the JavaScript side; bounding them by the memory keeps a full map finite.
      return DESC_SIZE + def.valueSize * def.maxEntries;
    default:
      return undefined;
  }
}

/** Create a map of any supported type. Per-CPU maps have exactly one CPU. */
export function createMap(
  mem: LinearMemory,
  def: MapDefinition,
  id: number,
  options: CreateMapOptions = {},
): BpfMap {
  // max_entries 0 on a perf event array means one slot per CPU to libbpf.
  if (def.type === MAP_TYPE.perf_event_array && def.maxEntries === 0) def = { ...def, maxEntries: PERF_CPUS };
  const keyless = def.type === MAP_TYPE.queue || def.type === MAP_TYPE.stack;
  if (keyless && def.keySize !== 0)
    throw new VmError('map', `map ${def.name}: a queue or stack has key_size 0, got ${def.keySize}`);
  const sizes: [string, number][] =
    def.type === MAP_TYPE.ringbuf ||
    def.type === MAP_TYPE.perf_event_array ||
    def.type === MAP_TYPE.prog_array
      ? [['max_entries', def.maxEntries]]
      : [
          ...(keyless ? [] : [['key_size', def.keySize] as [string, number]]),
          ['value_size', def.valueSize],
          ['max_entries', def.maxEntries],
        ];
  const bad = sizes.find(([, v]) => !Number.isInteger(v) || v <= 0 || v > U32_MAX);
  if (bad)
    throw new VmError('map', `map ${def.name}: ${bad[0]} must be an integer in 1..${U32_MAX}, got ${bad[1]}`);
  const need = bytesNeeded(def);
  if (need !== undefined && need > mem.size) {
    throw new VmError(
      'map',
      `map ${def.name}: key_size ${def.keySize}, value_size ${def.valueSize} and max_entries ${def.maxEntries} need ${need} bytes; the linear memory holds ${mem.size}`,
    );
  }
  switch (def.type) {
    case MAP_TYPE.array:
    case MAP_TYPE.percpu_array:
      if (def.keySize !== 4)
        throw new VmError('map', `array map ${def.name}: key_size must be 4, got ${def.keySize}`);
      return new ArrayMap(mem, def, id, options);
    case MAP_TYPE.hash:
    case MAP_TYPE.percpu_hash:
      return new HashMap(mem, def, id);
    case MAP_TYPE.lru_hash:
    case MAP_TYPE.lru_percpu_hash:
      return new HashMap(mem, def, id, { lru: true });
    case MAP_TYPE.ringbuf:
      return new RingBuffer(mem, def, id);
    case MAP_TYPE.perf_event_array:
      return new PerfEventArray(mem, def, id);
    case MAP_TYPE.prog_array:
      return new ProgArray(mem, def, id);
    case MAP_TYPE.devmap:
    case MAP_TYPE.devmap_hash:
    case MAP_TYPE.cpumap:
    case MAP_TYPE.xskmap:
      return new RedirectMap(mem, def, id);
    case MAP_TYPE.queue:
    case MAP_TYPE.stack:
      return new QueueStackMap(mem, def, id, def.type === MAP_TYPE.stack);
    case MAP_TYPE.stack_trace:
      if (def.valueSize % 8 !== 0)
        throw new VmError(
          'map',
          `stack trace map ${def.name}: value_size ${def.valueSize} is not 8 bytes per frame`,
        );
      return new StackTraceMap(mem, def, id);
    default:
      throw new VmError('map', `map ${def.name}: map type ${def.type} is not supported`);
  }
}
