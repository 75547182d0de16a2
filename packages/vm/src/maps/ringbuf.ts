/**
 * BPF_MAP_TYPE_RINGBUF: a Linux-like ring buffer in the linear memory. A 16-byte header
 * (consumer position, producer position, mask) is followed by a power-of-two data area of
 * `max_entries` bytes. Records are 8-byte aligned with an 8-byte header (length, BUSY and
 * DISCARD bits) and never wrap: a record that would cross the end is preceded by a discarded
 * padding record filling the tail. Layout: ./LAYOUT.md.
 */
import { EINVAL, VmError } from '../errors.js';
import type { LinearMemory, Region } from '../memory.js';
import {
  RECORD_BUSY,
  RECORD_DISCARD,
  RECORD_HEADER,
  RECORD_LEN_MASK,
  RING_CONSUMER,
  RING_HEADER,
  RING_MASK,
  RING_PRODUCER,
  round8,
} from './layout.js';
import { BpfMap, type MapDefinition } from './map.js';

/** Linux's -EAGAIN, returned by ringbuf_output when there is no room. */
export const EAGAIN = 11;

export class RingBuffer extends BpfMap {
  /** Header + data area (writable: programs fill reserved records in place). */
  readonly ring: Region;
  /** Data area size in bytes (a power of two). */
  readonly size: number;
  /** Offset of the data area. */
  readonly data: number;

  constructor(mem: LinearMemory, def: MapDefinition, id: number) {
    const size = def.maxEntries;
    if (size < 16 || (size & (size - 1)) !== 0) {
      throw new VmError('map', `ring buffer ${def.name}: max_entries ${size} must be a power of two ≥ 16`);
    }
    super(mem, { ...def, keySize: 0, valueSize: 0 }, id);
    this.size = size;
    this.ring = this.allocTable(RING_HEADER + size, {
      name: `ringbuf ${def.name}`,
      kind: 'ringbuf',
      writable: true,
    });
    this.data = this.ring.start + RING_HEADER;
    mem.view.setUint32(this.ring.start + RING_MASK, size - 1, true);
    this.setLayout(size, this.ring.start, 0);
  }

  private get consumer(): number {
    return this.mem.view.getUint32(this.ring.start + RING_CONSUMER, true);
  }
  private get producer(): number {
    return this.mem.view.getUint32(this.ring.start + RING_PRODUCER, true);
  }

  /** Bytes between the consumer and the producer position (including busy records). */
  get pending(): number {
    return (this.producer - this.consumer) >>> 0;
  }

  /**
   * Reserve a record of `len` bytes; returns the offset of its payload, or 0 when there is no
   * room (or len is 0 or too large). The record stays BUSY until submit/discard.
   */
  reserve(len: number): number {
    if (len <= 0 || len > RECORD_LEN_MASK) return 0;
    const view = this.mem.view;
    const total = round8(len + RECORD_HEADER);
    let producer = this.producer;
    const free = this.size - ((producer - this.consumer) >>> 0);
    let at = producer & (this.size - 1);
    const pad = at + total > this.size ? this.size - at : 0;
    if (pad + total > free) return 0;
    if (pad > 0) {
      view.setUint32(this.data + at, (pad - RECORD_HEADER) | RECORD_DISCARD, true);
      view.setUint32(this.data + at + 4, 0, true);
      producer = (producer + pad) >>> 0;
      at = 0;
    }
    view.setUint32(this.data + at, (len | RECORD_BUSY) >>> 0, true);
    view.setUint32(this.data + at + 4, 0, true);
    view.setUint32(this.ring.start + RING_PRODUCER, (producer + total) >>> 0, true);
    return this.data + at + RECORD_HEADER;
  }

  /** Commit a reserved record (payload offset from `reserve`). False if it is not a busy record. */
  submit(payload: number, discard = false): boolean {
    const header = payload - RECORD_HEADER;
    if (header < this.data || header >= this.data + this.size || (header - this.data) % 8 !== 0) return false;
    const view = this.mem.view;
    const word = view.getUint32(header, true);
    if ((word & RECORD_BUSY) === 0) return false;
    const len = word & RECORD_LEN_MASK;
    view.setUint32(header, (len | (discard ? RECORD_DISCARD : 0)) >>> 0, true);
    return true;
  }

  /** Reserve, copy `bytes` in and submit. 0 or -EAGAIN. */
  output(bytes: Uint8Array): number {
    const at = this.reserve(bytes.length);
    if (at === 0) return -EAGAIN;
    this.mem.bytes.set(bytes, at);
    this.submit(at);
    return 0;
  }

  /**
   * Consumer: hand every committed record (discarded ones skipped) to `onRecord` in order,
   * stopping at the first busy record, and advance the consumer position. Returns the number
   * of records delivered. `onRecord` sees a view into the memory valid only during the call.
   */
  consume(onRecord: (payload: Uint8Array) => void, limit = Number.POSITIVE_INFINITY): number {
    const view = this.mem.view;
    let consumer = this.consumer;
    const producer = this.producer;
    let delivered = 0;
    while (consumer !== producer && delivered < limit) {
      const at = this.data + (consumer & (this.size - 1));
      const word = view.getUint32(at, true);
      if (word & RECORD_BUSY) break;
      const len = word & RECORD_LEN_MASK;
      if ((word & RECORD_DISCARD) === 0) {
        onRecord(this.mem.bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len));
        delivered++;
      }
      consumer = (consumer + round8(len + RECORD_HEADER)) >>> 0;
      view.setUint32(this.ring.start + RING_CONSUMER, consumer, true);
    }
    return delivered;
  }

  /** Consumer: copies of every committed record. */
  drain(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.consume((p) => out.push(p.slice()));
    return out;
  }

  lookupAt(): number {
    return 0;
  }
  updateAt(): number {
    return -EINVAL;
  }
  deleteAt(): number {
    return -EINVAL;
  }
  keys(): Uint8Array[] {
    return [];
  }
  /** Drop every record: consumer = producer = 0. */
  clear(): void {
    this.mem.bytes.fill(0, this.ring.start, this.ring.end);
    this.mem.view.setUint32(this.ring.start + RING_MASK, this.size - 1, true);
  }
  protected find(): number {
    return 0;
  }
  protected put(): number {
    return -EINVAL;
  }
  protected remove(): number {
    return -EINVAL;
  }
}
