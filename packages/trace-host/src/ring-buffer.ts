/**
 * The trace ring buffer: variable-length entries in one ArrayBuffer, written with
 * reserve → fill → commit (or discard), as ftrace's ring buffer. When full it either
 * overwrites the oldest entries (`overwrite`, ftrace's default) or drops the new one
 * (`drop-new`); both are counted.
 *
 * Entry layout (8-byte aligned): u32 size|flags, u32 payload length, f64 timestamp (ns),
 * then the payload (the event record). Entries never straddle the end: a padding entry fills
 * the tail before wrapping.
 */
export type OverflowMode = 'overwrite' | 'drop-new';

export const ENTRY_HEADER = 16;
const COMMITTED = 1;
const PADDING = 2;
const FLAGS = 7;

export interface EntryRef {
  /** Offset of the payload in `bytes`. */
  offset: number;
  length: number;
  ts: number;
}

export interface RingStats {
  /** Committed entries currently in the buffer. */
  entries: number;
  /** Entries ever committed. */
  written: number;
  /** Oldest entries overwritten to make room (overwrite mode). */
  overrun: number;
  /** New entries refused for lack of room (drop-new mode, or an entry larger than the buffer). */
  dropped: number;
  /** Events a reader did not see: overrun + dropped. */
  lost: number;
  capacity: number;
  used: number;
}

export class TraceRingBuffer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly capacity: number;
  mode: OverflowMode;
  private head = 0;
  private tail = 0;
  private used = 0;
  private entries = 0;
  private written = 0;
  private overrun = 0;
  private dropped = 0;
  private lostSinceRead = 0;
  /** Called after every commit (trace_pipe readers wait on it). Null when nobody waits. */
  onCommit: (() => void) | null = null;

  constructor(capacity: number, mode: OverflowMode = 'overwrite') {
    if (!Number.isInteger(capacity) || capacity < 64)
      throw new RangeError(`ring buffer capacity ${capacity} < 64`);
    this.capacity = capacity & ~7;
    this.bytes = new Uint8Array(this.capacity);
    this.view = new DataView(this.bytes.buffer);
    this.mode = mode;
  }

  /**
   * Reserve room for a payload of `length` bytes stamped `ts`; returns the payload's offset in
   * `bytes`, or -1 when the entry is refused — counted as dropped unless `countDrop` is false
   * (the caller then decides, with `drop()`, whether the event was really lost).
   */
  reserve(length: number, ts: number, countDrop = true): number {
    const need = (ENTRY_HEADER + length + 7) & ~7;
    const cap = this.capacity;
    if (need > cap) {
      if (countDrop) this.drop();
      return -1;
    }
    if (this.used === 0) this.head = this.tail = 0;
    let pad = this.tail + need > cap ? cap - this.tail : 0;
    while (cap - this.used < pad + need) {
      if (this.mode === 'drop-new' || !this.evictOldest()) {
        if (countDrop) this.drop();
        return -1;
      }
      if (this.used === 0) {
        this.head = this.tail = 0;
        pad = 0;
      }
    }
    const dv = this.view;
    if (pad > 0) {
      dv.setUint32(this.tail, pad | PADDING | COMMITTED, true);
      this.used += pad;
      this.tail = 0;
    }
    const at = this.tail;
    dv.setUint32(at, need, true);
    dv.setUint32(at + 4, length, true);
    dv.setFloat64(at + 8, ts, true);
    this.tail = at + need === cap ? 0 : at + need;
    this.used += need;
    return at + ENTRY_HEADER;
  }

  commit(offset: number): void {
    const at = offset - ENTRY_HEADER;
    this.view.setUint32(at, this.view.getUint32(at, true) | COMMITTED, true);
    this.entries++;
    this.written++;
    if (this.onCommit !== null) this.onCommit();
  }

  /** Give a reserved entry back: rolled back when it is the newest, else turned into padding. */
  discard(offset: number): void {
    const at = offset - ENTRY_HEADER;
    const size = this.view.getUint32(at, true) & ~FLAGS;
    const end = at + size === this.capacity ? 0 : at + size;
    if (end === this.tail) {
      this.tail = at;
      this.used -= size;
    } else {
      this.view.setUint32(at, size | PADDING | COMMITTED, true);
    }
  }

  /** Count an entry that was refused and really lost. */
  drop(): void {
    this.dropped++;
    this.lostSinceRead++;
  }

  /** Remove the oldest entry; false if it is still being written (nested reservation). */
  private evictOldest(): boolean {
    if (this.used === 0) return false;
    const word = this.view.getUint32(this.head, true);
    if ((word & COMMITTED) === 0) return false;
    if ((word & PADDING) === 0) {
      this.entries--;
      this.overrun++;
      this.lostSinceRead++;
    }
    this.advanceHead(word & ~FLAGS);
    return true;
  }

  private advanceHead(size: number): void {
    this.head = this.head + size === this.capacity ? 0 : this.head + size;
    this.used -= size;
  }

  /** Visit committed entries oldest first without consuming them (the `trace` file). */
  forEach(visit: (e: EntryRef) => void): void {
    let at = this.head;
    let left = this.used;
    while (left > 0) {
      const word = this.view.getUint32(at, true);
      const size = word & ~FLAGS;
      if ((word & COMMITTED) === 0) return;
      if ((word & PADDING) === 0) {
        visit({
          offset: at + ENTRY_HEADER,
          length: this.view.getUint32(at + 4, true),
          ts: this.view.getFloat64(at + 8, true),
        });
      }
      left -= size;
      at = at + size === this.capacity ? 0 : at + size;
    }
  }

  /**
   * Take the oldest committed entry (the `trace_pipe` file). The payload stays readable until
   * the next reserve. Returns null when the buffer is empty.
   */
  consume(): EntryRef | null {
    while (this.used > 0) {
      const at = this.head;
      const word = this.view.getUint32(at, true);
      if ((word & COMMITTED) === 0) return null;
      this.advanceHead(word & ~FLAGS);
      if ((word & PADDING) === 0) {
        this.entries--;
        return {
          offset: at + ENTRY_HEADER,
          length: this.view.getUint32(at + 4, true),
          ts: this.view.getFloat64(at + 8, true),
        };
      }
    }
    return null;
  }

  /** Events lost since the last call (ftrace prints them as `[LOST N EVENTS]` in trace_pipe). */
  takeLost(): number {
    const n = this.lostSinceRead;
    this.lostSinceRead = 0;
    return n;
  }

  /** Empty the buffer (writing to the `trace` file); counters other than `entries` are kept. */
  clear(): void {
    this.head = this.tail = this.used = this.entries = 0;
  }

  stats(): RingStats {
    return {
      entries: this.entries,
      written: this.written,
      overrun: this.overrun,
      dropped: this.dropped,
      lost: this.overrun + this.dropped,
      capacity: this.capacity,
      used: this.used,
    };
  }
}
