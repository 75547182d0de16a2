/**
 * The base of every map: a descriptor in the linear memory (its address is the map's BPF
 * pointer value) and a user-space API over byte arrays. Subclasses keep all their data in the
 * linear memory per ./LAYOUT.md; the offset-level operations (`lookupAt`, `updateAt`,
 * `deleteAt`) are what the helpers call with pointers from a running program.
 */

import { VmError } from '../errors.js';
import { type AllocOptions, addressOf, type LinearMemory, type Region } from '../memory.js';
import {
  DESC_CAPACITY,
  DESC_DATA,
  DESC_FLAGS,
  DESC_ID,
  DESC_KEY_SIZE,
  DESC_MAX_ENTRIES,
  DESC_SIZE,
  DESC_STRIDE,
  DESC_TYPE,
  DESC_VALUE_SIZE,
} from './layout.js';

export interface MapDefinition {
  /** For messages and `Runtime.mapByName`. */
  name: string;
  /** Linux BPF_MAP_TYPE_* number. */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
}

export abstract class BpfMap {
  readonly name: string;
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  /** The descriptor (read-only to programs). */
  readonly descriptor: Region;
  protected readonly mem: LinearMemory;

  constructor(
    mem: LinearMemory,
    def: MapDefinition,
    readonly id: number,
  ) {
    this.mem = mem;
    this.name = def.name;
    this.type = def.type;
    this.keySize = def.keySize;
    this.valueSize = def.valueSize;
    this.maxEntries = def.maxEntries;
    this.flags = def.flags ?? 0;
    this.descriptor = mem.alloc(DESC_SIZE, {
      name: `map ${def.name}: descriptor`,
      kind: 'map',
      writable: false,
    });
    const v = mem.view;
    const d = this.descriptor.start;
    v.setUint32(d + DESC_TYPE, def.type, true);
    v.setUint32(d + DESC_KEY_SIZE, def.keySize, true);
    v.setUint32(d + DESC_VALUE_SIZE, def.valueSize, true);
    v.setUint32(d + DESC_MAX_ENTRIES, def.maxEntries, true);
    v.setUint32(d + DESC_FLAGS, this.flags, true);
    v.setUint32(d + DESC_ID, id, true);
  }

  /** The map's BPF pointer value: the address of its descriptor, as a number (< 2^53). */
  get pointer(): number {
    return Number(addressOf(this.descriptor.start));
  }

  /** Allocate the map's table; when the memory has no room, the descriptor is released too. */
  protected allocTable(size: number, options: AllocOptions): Region {
    try {
      return this.mem.alloc(size, options);
    } catch (e) {
      this.mem.free(this.descriptor);
      throw e;
    }
  }

  protected setLayout(capacity: number, data: number, stride: number): void {
    const v = this.mem.view;
    const d = this.descriptor.start;
    v.setUint32(d + DESC_CAPACITY, capacity, true);
    v.setUint32(d + DESC_DATA, data, true);
    v.setUint32(d + DESC_STRIDE, stride, true);
  }

  /** Offset of the value for the key at `keyOff` in the linear memory, or 0 if absent. */
  abstract lookupAt(keyOff: number): number;
  /** Update from key/value in the linear memory. Returns 0 or a negative errno. */
  abstract updateAt(keyOff: number, valueOff: number, flags: number): number;
  /** Delete the key at `keyOff`. Returns 0 or a negative errno. */
  abstract deleteAt(keyOff: number): number;
  /** Every key, in table order (user space). */
  abstract keys(): Uint8Array[];
  /** Remove every entry (arrays: zero every value). */
  abstract clear(): void;
  /** Lookup with a key given as bytes (no copy into the memory). Offset or 0. */
  protected abstract find(key: Uint8Array): number;
  /** Update with key/value given as bytes. 0 or a negative errno. */
  protected abstract put(key: Uint8Array, value: Uint8Array, flags: number): number;
  /** Delete with a key given as bytes. 0 or a negative errno. */
  protected abstract remove(key: Uint8Array): number;

  /** User space: a copy of the value for `key`, or undefined. */
  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkSize('key', key, this.keySize);
    const at = this.find(key);
    return at === 0 ? undefined : this.mem.read(at, this.valueSize);
  }

  /** User space: BPF_ANY (0), BPF_NOEXIST (1) or BPF_EXIST (2). Returns 0 or a negative errno. */
  update(key: Uint8Array, value: Uint8Array, flags = 0): number {
    this.checkSize('key', key, this.keySize);
    this.checkSize('value', value, this.valueSize);
    return this.put(key, value, flags);
  }

  /** User space: 0 or a negative errno (-ENOENT when absent, -EINVAL for arrays). */
  delete(key: Uint8Array): number {
    this.checkSize('key', key, this.keySize);
    return this.remove(key);
  }

  /** Every [key, value] pair (copies). */
  entries(): [Uint8Array, Uint8Array][] {
    return this.keys().map((k) => [k, this.lookup(k)!]);
  }

  private checkSize(what: string, bytes: Uint8Array, size: number): void {
    if (bytes.length !== size) {
      throw new VmError('map', `map ${this.name}: ${what} is ${bytes.length} bytes, expected ${size}`);
    }
  }
}
