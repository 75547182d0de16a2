/**
 * A live map read and written as JavaScript values (see ./value-codec.ts for the shapes),
 * iterated like a JavaScript Map. `raw` is the vm's map over bytes.
 */
import type { BtfSpec, MapSpec } from '@tbpf/asm';
import { BPF_ANY, BPF_EXIST, BPF_NOEXIST, type BpfMap } from '@tbpf/vm';
import { ObjectError } from './errors.js';
import { type BtfValue, btfCodec, sizeCodec, type ValueCodec, variablesCodec } from './value-codec.js';

export type UpdateFlag = 'any' | 'noexist' | 'exist';

const FLAGS: Record<UpdateFlag, number> = { any: BPF_ANY, noexist: BPF_NOEXIST, exist: BPF_EXIST };

const ERRNO: Record<number, string> = {
  2: 'ENOENT (no such key)',
  7: 'E2BIG (the map is full)',
  17: 'EEXIST (the key exists)',
  22: 'EINVAL',
  1: 'EPERM (read-only map)',
};

export class TypedMap<K = BtfValue, V = BtfValue> implements Iterable<[K, V]> {
  readonly key: ValueCodec;
  readonly value: ValueCodec;

  constructor(
    readonly spec: MapSpec,
    /** The map over bytes (lookup/update/delete with Uint8Arrays). */
    readonly raw: BpfMap,
    btf: BtfSpec | undefined,
  ) {
    const what = `map ${spec.name}`;
    this.key =
      btf && spec.btfKeyType !== undefined
        ? btfCodec(btf, spec.btfKeyType, `${what} key`)
        : sizeCodec(raw.keySize, `${what} key`);
    const valueType = btf && spec.btfValueType !== undefined ? btf.types[spec.btfValueType] : undefined;
    // A DATASEC without variables (some compilers list none) is read by the ELF symbols instead.
    this.value =
      btf &&
      spec.btfValueType !== undefined &&
      !(valueType?.kind === 'datasec' && valueType.vars.length === 0)
        ? btfCodec(btf, spec.btfValueType, `${what} value`)
        : spec.variables && spec.variables.length > 0
          ? variablesCodec(raw.valueSize, spec.variables, `${what} value`)
          : sizeCodec(raw.valueSize, `${what} value`);
  }

  /** `.rodata` is frozen once loaded (libbpf freezes it): user space can no longer change it. */
  private checkWritable(): void {
    if (this.spec.readOnly)
      throw new ObjectError(`map ${this.name} is read-only (frozen after loading)`, 'map');
  }

  get name(): string {
    return this.spec.name;
  }

  /** Linux's map type name (hash, array, ringbuf, …). */
  get typeName(): string {
    return this.spec.typeName;
  }

  get maxEntries(): number {
    return this.raw.maxEntries;
  }

  get(key: K): V | undefined {
    const bytes = this.raw.lookup(this.key.encode(key));
    return bytes === undefined ? undefined : (this.value.decode(bytes) as V);
  }

  has(key: K): boolean {
    return this.raw.lookup(this.key.encode(key)) !== undefined;
  }

  /** Insert or replace (`flag`: 'any' (default), 'noexist' — only new keys, 'exist' — only existing). */
  set(key: K, value: V, flag: UpdateFlag = 'any'): this {
    this.checkWritable();
    const rc = this.raw.update(this.key.encode(key), this.value.encode(value), FLAGS[flag]);
    if (rc < 0)
      throw new ObjectError(`map ${this.name}: update failed: ${ERRNO[-rc] ?? `errno ${-rc}`}`, 'map');
    return this;
  }

  /** Remove a key; false when it was absent (array maps cannot delete: their values are zeroed by `clear`). */
  delete(key: K): boolean {
    this.checkWritable();
    const rc = this.raw.delete(this.key.encode(key));
    if (rc === -2) return false;
    if (rc < 0)
      throw new ObjectError(`map ${this.name}: delete failed: ${ERRNO[-rc] ?? `errno ${-rc}`}`, 'map');
    return true;
  }

  clear(): void {
    this.checkWritable();
    this.raw.clear();
  }

  /** Entries present (array maps: every index). */
  get size(): number {
    return this.raw.keys().length;
  }

  *keys(): IterableIterator<K> {
    for (const k of this.raw.keys()) yield this.key.decode(k) as K;
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this) yield v;
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [k, v] of this.raw.entries()) yield [this.key.decode(k) as K, this.value.decode(v) as V];
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries();
  }
}
