/**
 * BPF_MAP_TYPE_QUEUE (first in, first out) and BPF_MAP_TYPE_STACK (last in, first out): values
 * without keys, reached only through map_push_elem / map_pop_elem / map_peek_elem (Linux's
 * verifier allows programs nothing else), so the values live on the JavaScript side.
 */
import { E2BIG, EINVAL, ENOENT } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { HostMap } from './host-map.js';
import { BPF_EXIST } from './layout.js';
import type { MapDefinition } from './map.js';

export class QueueStackMap extends HostMap {
  /** Oldest first. */
  private readonly values: Uint8Array[] = [];

  constructor(
    mem: LinearMemory,
    def: MapDefinition,
    id: number,
    /** True for a stack: pop and peek take the newest value. */
    readonly lifo: boolean,
  ) {
    super(mem, { ...def, keySize: 0 }, id);
  }

  /**
   * map_push_elem: 0; when full, -E2BIG, or with BPF_EXIST the oldest value makes room (Linux's
   * `replace`); -EINVAL for other flags.
   */
  push(value: Uint8Array, flags: number): number {
    if (flags !== 0 && flags !== BPF_EXIST) return -EINVAL;
    if (this.values.length >= this.maxEntries) {
      if (flags !== BPF_EXIST) return -E2BIG;
      this.values.shift();
    }
    this.values.push(value.slice());
    return 0;
  }

  /** map_peek_elem: the value pop would take, or -ENOENT when empty. */
  peek(): Uint8Array | number {
    const value = this.lifo ? this.values.at(-1) : this.values[0];
    return value ? value.slice() : -ENOENT;
  }

  /** map_pop_elem: take the next value, or -ENOENT when empty. */
  pop(): Uint8Array | number {
    const value = this.lifo ? this.values.pop() : this.values.shift();
    return value ?? -ENOENT;
  }

  get size(): number {
    return this.values.length;
  }

  clear(): void {
    this.values.length = 0;
  }
}
