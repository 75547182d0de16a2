/**
 * BPF_MAP_TYPE_STACK_TRACE: the call chains bpf_get_stackid stored, by id. Programs can only hand
 * the map to get_stackid (Linux's verifier allows nothing else); the host reads a chain with
 * `stack(id)`, as user space looks an id up in Linux. value_size is 8 bytes per frame kept.
 */
import { EEXIST } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { HostMap } from './host-map.js';
import { fnv1a } from './layout.js';
import type { MapDefinition } from './map.js';

export class StackTraceMap extends HostMap {
  private readonly stacks = new Map<number, readonly bigint[]>();

  constructor(mem: LinearMemory, def: MapDefinition, id: number) {
    super(mem, { ...def, keySize: 4 }, id);
  }

  /** Frames a stored chain keeps. */
  get depth(): number {
    return this.valueSize / 8;
  }

  /**
   * get_stackid: keep `ips` (innermost first, at most `depth`) in the bucket their hash picks and
   * return its id; -EEXIST when another chain holds the bucket, unless `reuse` replaces it.
   */
  store(ips: readonly bigint[], reuse: boolean): number {
    const kept = ips.slice(0, this.depth);
    const bytes = new Uint8Array(new BigUint64Array(kept).buffer);
    const id = fnv1a(bytes, 0, bytes.length) % this.maxEntries;
    const old = this.stacks.get(id);
    const same = old?.length === kept.length && old.every((ip, i) => ip === kept[i]);
    if (old && !same && !reuse) return -EEXIST;
    this.stacks.set(id, kept);
    return id;
  }

  /** The chain stored under `id`, innermost first. */
  stack(id: number): readonly bigint[] | undefined {
    return this.stacks.get(id);
  }

  clear(): void {
    this.stacks.clear();
  }
}
