/**
 * Array maps (BPF_MAP_TYPE_ARRAY, PERCPU_ARRAY with one CPU, and the global-data maps of ELF
 * objects): `max_entries` values of `round8(value_size)` bytes each, contiguous. The key is a
 * u32 index. Every element always exists.
 */
import { E2BIG, EEXIST, EINVAL, EPERM } from '../errors.js';
import type { LinearMemory, Region } from '../memory.js';
import { BPF_EXIST, BPF_F_RDONLY_PROG, BPF_NOEXIST, DESC_FLAGS, round8 } from './layout.js';
import { BpfMap, type MapDefinition } from './map.js';

export interface ArrayMapOptions {
  /** Programs may not store into the values (.rodata). */
  readOnly?: boolean;
}

export class ArrayMap extends BpfMap {
  /** The values (writable unless read-only). */
  readonly values: Region;
  readonly stride: number;
  /** Read-only to programs (.rodata): their updates fail with -EPERM; user space may still write. */
  readonly readOnly: boolean;

  constructor(mem: LinearMemory, def: MapDefinition, id: number, options: ArrayMapOptions = {}) {
    super(mem, def, id);
    this.stride = round8(def.valueSize);
    this.readOnly = options.readOnly === true || (this.flags & BPF_F_RDONLY_PROG) !== 0;
    if (this.readOnly)
      mem.view.setUint32(this.descriptor.start + DESC_FLAGS, this.flags | BPF_F_RDONLY_PROG, true);
    this.values = this.allocTable(Math.max(8, this.stride * def.maxEntries), {
      name: `map ${def.name}: values`,
      kind: 'map',
      writable: !options.readOnly,
    });
    this.setLayout(def.maxEntries, this.values.start, this.stride);
  }

  /** Offset of element `index`'s value, or 0 when out of range. */
  valueOffset(index: number): number {
    return index >>> 0 < this.maxEntries ? this.values.start + (index >>> 0) * this.stride : 0;
  }

  lookupAt(keyOff: number): number {
    return this.valueOffset(this.mem.view.getUint32(keyOff, true));
  }

  updateAt(keyOff: number, valueOff: number, flags: number): number {
    if (this.readOnly) return -EPERM;
    const index = this.mem.view.getUint32(keyOff, true);
    return this.store(index, this.mem.bytes.subarray(valueOff, valueOff + this.valueSize), flags);
  }

  deleteAt(): number {
    return -EINVAL;
  }

  keys(): Uint8Array[] {
    const keys: Uint8Array[] = [];
    for (let i = 0; i < this.maxEntries; i++) keys.push(new Uint8Array(new Uint32Array([i]).buffer));
    return keys;
  }

  clear(): void {
    this.mem.bytes.fill(0, this.values.start, this.values.end);
  }

  protected find(key: Uint8Array): number {
    return this.valueOffset(indexOf(key));
  }

  protected put(key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.store(indexOf(key), value, flags);
  }

  protected remove(): number {
    return -EINVAL;
  }

  private store(index: number, value: Uint8Array, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    if (index >>> 0 >= this.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    this.mem.bytes.set(value, this.valueOffset(index));
    return 0;
  }
}

function indexOf(key: Uint8Array): number {
  return new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true);
}
