/**
 * BPF_MAP_TYPE_PROG_ARRAY: the programs bpf_tail_call jumps to, by index. The host fills the
 * slots with prepared programs of the same runtime (`set`), as user space writes program fds
 * into the map in Linux; programs can only hand the map to bpf_tail_call.
 */
import type { PreparedProgram } from '../engine.js';
import { VmError } from '../errors.js';
import type { LinearMemory } from '../memory.js';
import { HostMap } from './host-map.js';
import type { MapDefinition } from './map.js';

export class ProgArray extends HostMap {
  private readonly slots = new Map<number, PreparedProgram>();

  constructor(mem: LinearMemory, def: MapDefinition, id: number) {
    super(mem, { ...def, keySize: 4, valueSize: 4 }, id);
  }

  /** Put `program` in slot `index` (undefined empties it). */
  set(index: number, program: PreparedProgram | undefined): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.maxEntries)
      throw new VmError(
        'map',
        `program array ${this.name}: index ${index} is outside 0..${this.maxEntries - 1}`,
      );
    if (program === undefined) {
      this.slots.delete(index);
      return;
    }
    if (program.program.runtime.memory !== this.mem)
      throw new VmError(
        'map',
        `program array ${this.name}: '${program.program.name}' belongs to another runtime`,
      );
    this.slots.set(index, program);
  }

  /** The program in slot `index`, if any. */
  get(index: number): PreparedProgram | undefined {
    return this.slots.get(index);
  }

  clear(): void {
    this.slots.clear();
  }
}
