import { VmError } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { ArrayMap } from './array.js';
import { HashMap } from './hash.js';
import type { BpfMap, MapDefinition } from './map.js';
import { RingBuffer } from './ringbuf.js';

/** Linux BPF_MAP_TYPE_* numbers of the map types tbpf implements. */
export const MAP_TYPE = {
  hash: 1,
  array: 2,
  percpu_hash: 5,
  percpu_array: 6,
  lru_hash: 9,
  lru_percpu_hash: 10,
  ringbuf: 27,
} as const;

export interface CreateMapOptions {
  /** Array maps: read-only to programs (global data from .rodata). */
  readOnly?: boolean;
}

/** Create a map of any supported type. Per-CPU maps have exactly one CPU. */
export function createMap(
  mem: LinearMemory,
  def: MapDefinition,
  id: number,
  options: CreateMapOptions = {},
): BpfMap {
  if (def.type !== MAP_TYPE.ringbuf) {
    const bad = [
      ['key_size', def.keySize],
      ['value_size', def.valueSize],
      ['max_entries', def.maxEntries],
    ].find(([, v]) => !Number.isInteger(v) || (v as number) <= 0);
    if (bad) throw new VmError('map', `map ${def.name}: ${bad[0]} must be a positive integer, got ${bad[1]}`);
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
    default:
      throw new VmError('map', `map ${def.name}: map type ${def.type} is not supported`);
  }
}
