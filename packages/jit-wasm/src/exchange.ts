/**
 * Where a program's helper exchange lives (the registers a helper call hands to JavaScript and
 * back, compile/layout.ts): in the memory's NULL guard after the region table, out of every
 * program's reach — a program that was not verified reads and writes only above the guard, so it
 * sees there what the interpreter sees. A slot per prepared program; when the guard is full, a
 * region of kind 'scratch' (which programs' helpers cannot name, but direct accesses can reach).
 */
import { type LinearMemory, NULL_GUARD, type Region } from '@tbpf/vm';
import { SCRATCH_BYTES } from './compile/layout.js';
import { REGION_TABLE_AT, TABLE_BYTES } from './compile/native-memory.js';

const FIRST_SLOT = REGION_TABLE_AT + TABLE_BYTES;
/** Guard slots in use, by memory. */
const inUse = new WeakMap<LinearMemory, Set<number>>();

export interface Exchange {
  /** Offset of the exchange in the linear memory. */
  at: number;
  /** Give the slot or region back. */
  free(): void;
}

export function takeExchange(mem: LinearMemory): Exchange {
  const used = inUse.get(mem) ?? new Set<number>();
  inUse.set(mem, used);
  for (let at = FIRST_SLOT; at + SCRATCH_BYTES <= NULL_GUARD; at += SCRATCH_BYTES) {
    if (used.has(at)) continue;
    used.add(at);
    return { at, free: () => used.delete(at) };
  }
  const region: Region = mem.alloc(SCRATCH_BYTES, {
    name: 'wasm helper exchange',
    kind: 'scratch',
    writable: true,
  });
  return { at: region.start, free: () => mem.free(region) };
}
