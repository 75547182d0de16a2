/**
 * BPF_MAP_TYPE_PERF_EVENT_ARRAY: the channel bpf_perf_event_output writes to. In Linux each slot
 * holds a perf event (one per CPU, usually) whose ring the user reads; here each slot keeps the
 * records written to it, oldest first, for the host to take (`take`, like a perf buffer poll).
 * Programs cannot look into the map (the verifier allows only the perf helpers), so nothing lives
 * in the linear memory but the descriptor.
 */
import { E2BIG, ENOSPC } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { HostMap } from './host-map.js';
import type { MapDefinition } from './map.js';

/** Records a slot holds before the host takes them; more are lost (counted in `lost`, as perf does). */
export const PERF_SLOT_RECORDS = 4096;

export interface PerfRecord {
  /** The slot (CPU) the record was written to. */
  index: number;
  data: Uint8Array;
}

export class PerfEventArray extends HostMap {
  /** Records waiting per slot; a slot appears when first written (max_entries may be 2^32 - 1). */
  private readonly slots = new Map<number, Uint8Array[]>();
  /** Records refused because their slot was full. */
  lost = 0;

  constructor(mem: LinearMemory, def: MapDefinition, id: number) {
    super(mem, { ...def, keySize: 4, valueSize: 4 }, id);
  }

  /**
   * bpf_perf_event_output: append `data` to slot `index`. 0, -E2BIG past max_entries, or -ENOSPC
   * when the slot is full (Linux's perf ring drops the new record and counts it lost).
   */
  output(index: number, data: Uint8Array): number {
    if (index >= this.maxEntries) return -E2BIG;
    const slot = this.slots.get(index) ?? [];
    if (slot.length >= PERF_SLOT_RECORDS) {
      this.lost++;
      return -ENOSPC;
    }
    slot.push(data);
    this.slots.set(index, slot);
    return 0;
  }

  /** Every record written since the last call, slot by slot (ascending), oldest first. */
  take(): PerfRecord[] {
    const out: PerfRecord[] = [];
    for (const index of [...this.slots.keys()].sort((a, b) => a - b)) {
      for (const data of this.slots.get(index) ?? []) out.push({ index, data });
    }
    this.slots.clear();
    return out;
  }

  clear(): void {
    this.slots.clear();
  }
}
