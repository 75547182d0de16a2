/**
 * Hash maps (BPF_MAP_TYPE_HASH, PERCPU_HASH with one CPU, LRU_HASH): an open-addressing table
 * in the linear memory, FNV-1a over the key bytes, linear probing with tombstones, capacity =
 * the next power of two ≥ 2 × max_entries. LRU maps stamp a slot on every hit and, when full,
 * evict the used slot with the smallest stamp. Byte layout and algorithms: ./LAYOUT.md.
 */
import { E2BIG, EEXIST, EINVAL, ENOENT } from '../errors.js';
import type { LinearMemory, Region } from '../memory.js';
import {
  BPF_EXIST,
  BPF_NOEXIST,
  DESC_COUNT,
  DESC_LRU_CLOCK,
  DESC_TOMBSTONES,
  DESC_VALUE_OFFSET,
  fnv1a,
  nextPow2,
  round8,
  SLOT_DELETED,
  SLOT_EMPTY,
  SLOT_HASH,
  SLOT_HEADER,
  SLOT_STAMP,
  SLOT_STATE,
  SLOT_USED,
} from './layout.js';
import { BpfMap, type MapDefinition } from './map.js';

export interface HashMapOptions {
  /** Evict the least recently used entry instead of failing with -E2BIG when full. */
  lru?: boolean;
}

export class HashMap extends BpfMap {
  readonly table: Region;
  readonly capacity: number;
  readonly slotSize: number;
  /** Offset of the value within a slot. */
  readonly valueAt: number;
  readonly lru: boolean;
  private readonly mask: number;

  constructor(mem: LinearMemory, def: MapDefinition, id: number, options: HashMapOptions = {}) {
    super(mem, def, id);
    this.lru = options.lru ?? false;
    this.capacity = nextPow2(Math.max(2, 2 * def.maxEntries));
    this.mask = this.capacity - 1;
    this.valueAt = SLOT_HEADER + round8(def.keySize);
    this.slotSize = this.valueAt + round8(def.valueSize);
    this.table = this.allocTable(this.capacity * this.slotSize, {
      name: `map ${def.name}: table`,
      kind: 'map',
      writable: true,
    });
    this.setLayout(this.capacity, this.table.start, this.slotSize);
    mem.view.setUint32(this.descriptor.start + DESC_VALUE_OFFSET, this.valueAt, true);
  }

  /** Live entries. */
  get count(): number {
    return this.desc(DESC_COUNT);
  }

  lookupAt(keyOff: number): number {
    return this.findIn(this.mem.bytes, keyOff);
  }

  updateAt(keyOff: number, valueOff: number, flags: number): number {
    return this.putFrom(this.mem.bytes, keyOff, valueOff, flags);
  }

  deleteAt(keyOff: number): number {
    return this.removeIn(this.mem.bytes, keyOff);
  }

  keys(): Uint8Array[] {
    const keys: Uint8Array[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const slot = this.slot(i);
      if (this.state(slot) === SLOT_USED) keys.push(this.mem.read(slot + SLOT_HEADER, this.keySize));
    }
    return keys;
  }

  clear(): void {
    this.mem.bytes.fill(0, this.table.start, this.table.end);
    this.setDesc(DESC_COUNT, 0);
    this.setDesc(DESC_TOMBSTONES, 0);
  }

  protected find(key: Uint8Array): number {
    return this.findIn(key, 0);
  }

  protected put(key: Uint8Array, value: Uint8Array, flags: number): number {
    const joined = new Uint8Array(key.length + value.length);
    joined.set(key);
    joined.set(value, key.length);
    return this.putFrom(joined, 0, key.length, flags);
  }

  protected remove(key: Uint8Array): number {
    return this.removeIn(key, 0);
  }

  private slot(i: number): number {
    return this.table.start + i * this.slotSize;
  }

  private state(slot: number): number {
    return this.mem.view.getUint32(slot + SLOT_STATE, true);
  }

  private desc(field: number): number {
    return this.mem.view.getUint32(this.descriptor.start + field, true);
  }

  private setDesc(field: number, value: number): void {
    this.mem.view.setUint32(this.descriptor.start + field, value >>> 0, true);
  }

  private keyEquals(slot: number, src: Uint8Array, at: number): boolean {
    const bytes = this.mem.bytes;
    const k = slot + SLOT_HEADER;
    for (let i = 0; i < this.keySize; i++) if (bytes[k + i] !== src[at + i]) return false;
    return true;
  }

  /** Slot index holding the key, or -1. */
  private probe(src: Uint8Array, at: number, hash: number): number {
    const view = this.mem.view;
    let i = hash & this.mask;
    for (let n = 0; n < this.capacity; n++, i = (i + 1) & this.mask) {
      const slot = this.slot(i);
      const state = view.getUint32(slot + SLOT_STATE, true);
      if (state === SLOT_EMPTY) return -1;
      if (
        state === SLOT_USED &&
        view.getUint32(slot + SLOT_HASH, true) === hash &&
        this.keyEquals(slot, src, at)
      ) {
        return i;
      }
    }
    return -1;
  }

  private touch(slot: number): void {
    if (!this.lru) return;
    const clock = (this.desc(DESC_LRU_CLOCK) + 1) >>> 0;
    this.setDesc(DESC_LRU_CLOCK, clock);
    this.mem.view.setUint32(slot + SLOT_STAMP, clock, true);
  }

  private findIn(src: Uint8Array, at: number): number {
    const i = this.probe(src, at, fnv1a(src, at, this.keySize));
    if (i < 0) return 0;
    const slot = this.slot(i);
    this.touch(slot);
    return slot + this.valueAt;
  }

  private putFrom(src: Uint8Array, keyAt: number, valueAt: number, flags: number): number {
    if (flags > BPF_EXIST) return -EINVAL;
    const hash = fnv1a(src, keyAt, this.keySize);
    const found = this.probe(src, keyAt, hash);
    const bytes = this.mem.bytes;
    if (found >= 0) {
      if (flags === BPF_NOEXIST) return -EEXIST;
      const slot = this.slot(found);
      bytes.set(src.subarray(valueAt, valueAt + this.valueSize), slot + this.valueAt);
      this.touch(slot);
      return 0;
    }
    if (flags === BPF_EXIST) return -ENOENT;
    if (this.count >= this.maxEntries) {
      if (!this.lru) return -E2BIG;
      this.evictOldest();
    }
    // First deleted slot on the probe path, else the empty slot that ends it.
    const view = this.mem.view;
    let i = hash & this.mask;
    for (let n = 0; n < this.capacity; n++, i = (i + 1) & this.mask) {
      const state = this.state(this.slot(i));
      if (state !== SLOT_USED) break;
    }
    const slot = this.slot(i);
    if (this.state(slot) === SLOT_DELETED) this.setDesc(DESC_TOMBSTONES, this.desc(DESC_TOMBSTONES) - 1);
    view.setUint32(slot + SLOT_STATE, SLOT_USED, true);
    view.setUint32(slot + SLOT_HASH, hash, true);
    view.setUint32(slot + SLOT_STAMP, 0, true);
    bytes.set(src.subarray(keyAt, keyAt + this.keySize), slot + SLOT_HEADER);
    bytes.set(src.subarray(valueAt, valueAt + this.valueSize), slot + this.valueAt);
    this.setDesc(DESC_COUNT, this.count + 1);
    this.touch(slot);
    return 0;
  }

  private removeIn(src: Uint8Array, at: number): number {
    const i = this.probe(src, at, fnv1a(src, at, this.keySize));
    if (i < 0) return -ENOENT;
    this.removeSlot(i);
    return 0;
  }

  private removeSlot(i: number): void {
    const view = this.mem.view;
    view.setUint32(this.slot(i) + SLOT_STATE, SLOT_DELETED, true);
    this.setDesc(DESC_COUNT, this.count - 1);
    let tombstones = this.desc(DESC_TOMBSTONES) + 1;
    // A tombstone followed by an empty slot ends no probe chain: make it (and the tombstones
    // before it) empty again.
    if (this.state(this.slot((i + 1) & this.mask)) === SLOT_EMPTY) {
      for (let n = 0; n < this.capacity && this.state(this.slot(i)) === SLOT_DELETED; n++) {
        view.setUint32(this.slot(i) + SLOT_STATE, SLOT_EMPTY, true);
        tombstones--;
        i = (i - 1) & this.mask;
      }
    }
    this.setDesc(DESC_TOMBSTONES, tombstones);
  }

  /** LRU: delete the used slot with the smallest stamp (the first such slot in table order). */
  private evictOldest(): void {
    const view = this.mem.view;
    let oldest = -1;
    let oldestStamp = 0;
    for (let i = 0; i < this.capacity; i++) {
      const slot = this.slot(i);
      if (this.state(slot) !== SLOT_USED) continue;
      const stamp = view.getUint32(slot + SLOT_STAMP, true);
      if (oldest < 0 || stamp < oldestStamp) {
        oldest = i;
        oldestStamp = stamp;
      }
    }
    if (oldest >= 0) this.removeSlot(oldest);
  }
}
