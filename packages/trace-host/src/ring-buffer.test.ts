import { describe, expect, it } from 'vitest';
import { ENTRY_HEADER, TraceRingBuffer } from './ring-buffer.js';
import { fakeSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

/** Write `n` entries of `len` payload bytes, each stamped with its sequence number. */
function fill(rb: TraceRingBuffer, n: number, len: number, first = 0): number {
  let ok = 0;
  for (let i = first; i < first + n; i++) {
    const off = rb.reserve(len, i);
    if (off < 0) continue;
    rb.view.setUint32(off, i, true);
    rb.commit(off);
    ok++;
  }
  return ok;
}

function seqs(rb: TraceRingBuffer): number[] {
  const out: number[] = [];
  rb.forEach((e) => {
    out.push(rb.view.getUint32(e.offset, true));
  });
  return out;
}

describe('trace ring buffer', () => {
  it('overwrites the oldest entries when full and counts them', () => {
    const rb = new TraceRingBuffer(256, 'overwrite');
    // 16-byte header + 16 payload = 32 bytes per entry: 8 fit.
    fill(rb, 20, 16);
    expect(seqs(rb)).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
    expect(rb.stats()).toMatchObject({ entries: 8, written: 20, overrun: 12, dropped: 0, lost: 12 });
    expect(rb.takeLost()).toBe(12);
    expect(rb.takeLost()).toBe(0);
  });

  it('drops new entries in drop-new mode and keeps the old ones', () => {
    const rb = new TraceRingBuffer(256, 'drop-new');
    expect(fill(rb, 20, 16)).toBe(8);
    expect(seqs(rb)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rb.stats()).toMatchObject({ entries: 8, written: 8, overrun: 0, dropped: 12 });
    expect(rb.reserve(1000, 0)).toBe(-1);
    expect(rb.stats().dropped).toBe(13);
  });

  it('wraps entries of mixed sizes with padding, never splitting one', () => {
    const rb = new TraceRingBuffer(200, 'overwrite');
    const sizes = [8, 40, 24, 64, 8, 100, 16, 56, 8, 8, 120, 32];
    sizes.forEach((len, i) => {
      const off = rb.reserve(len, i);
      expect(off + len).toBeLessThanOrEqual(rb.capacity);
      rb.view.setUint32(off, i, true);
      rb.commit(off);
    });
    const kept = seqs(rb);
    expect(kept.at(-1)).toBe(sizes.length - 1);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    const bytes = kept.reduce((s, i) => s + ((ENTRY_HEADER + sizes[i] + 7) & ~7), 0);
    expect(bytes).toBeLessThanOrEqual(rb.capacity);
    expect(rb.stats().entries + rb.stats().overrun).toBe(sizes.length);
  });

  it('discard rolls back the newest reservation and hides older ones', () => {
    const rb = new TraceRingBuffer(256);
    const a = rb.reserve(8, 1);
    rb.commit(a);
    const b = rb.reserve(8, 2);
    rb.discard(b);
    expect(rb.stats().used).toBe(24);
    const c = rb.reserve(8, 3);
    expect(c).toBe(b);
    const d = rb.reserve(8, 4);
    rb.view.setUint32(d, 44, true);
    rb.discard(c); // not the newest: becomes padding
    rb.commit(d);
    expect(seqs(rb)).toEqual([0, 44]);
    expect(rb.consume()?.ts).toBe(1);
    expect(rb.consume()?.ts).toBe(4);
    expect(rb.consume()).toBeNull();
  });

  it('reports lost events in trace_pipe and counts in buffer_stats', () => {
    const host = new TraceHost({
      seam: fakeSeam(),
      memoryBytes: 1 << 20,
      arenaBytes: 4096,
      bufferBytes: 512,
      overflow: 'drop-new',
    });
    const ev = host.defineEvent('t', 'e', 'unsigned long a; unsigned long b;');
    host.enable(ev);
    for (let i = 0; i < 40; i++) ev.emit(i, i);
    const st = host.buffer.stats();
    expect(st.entries).toBe(12); // 40-byte entries in 512 bytes
    expect(st.dropped).toBe(28);
    const lines = host.readPipe();
    expect(lines[0]).toBe('CPU:0 [LOST 28 EVENTS]');
    expect(lines).toHaveLength(13);
    expect(host.read('buffer_stats')).toBe(
      'entries: 0\noverrun: 0\ndropped events: 28\nwritten: 12\nbytes: 0/512\nfilter faults: 0\n',
    );
    host.write('tracing_on', '0');
    ev.emit(1, 2);
    expect(host.buffer.stats().written).toBe(12);
  });
});

describe('trace ring buffer under random load (seeded)', () => {
  it.each(['overwrite', 'drop-new'] as const)('keeps order, payloads and counts consistent (%s)', (mode) => {
    let seed = 0x9e3779b9;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const rb = new TraceRingBuffer(1000, mode);
    let seq = 0;
    let committed = 0;
    let consumed = 0;
    let last = -1;
    const check = (off: number, len: number) => {
      const s = rb.view.getUint32(off, true);
      for (let i = 4; i < len; i++) expect(rb.bytes[off + i]).toBe((s + i) & 0xff);
      expect(s).toBeGreaterThan(last);
      last = s;
    };
    for (let step = 0; step < 5000; step++) {
      const op = rand(10);
      if (op < 7) {
        const len = 4 + rand(120);
        const off = rb.reserve(len, seq);
        if (off < 0) continue;
        expect(off + len).toBeLessThanOrEqual(rb.capacity);
        rb.view.setUint32(off, seq, true);
        for (let i = 4; i < len; i++) rb.bytes[off + i] = (seq + i) & 0xff;
        seq++;
        if (op === 6) rb.discard(off);
        else {
          rb.commit(off);
          committed++;
        }
      } else {
        const e = rb.consume();
        if (e) {
          check(e.offset, e.length);
          consumed++;
        }
      }
    }
    const st = rb.stats();
    expect(st.written).toBe(committed);
    expect(st.entries + st.overrun + consumed).toBe(committed);
    for (let e = rb.consume(); e; e = rb.consume()) check(e.offset, e.length);
    expect(rb.stats().used).toBe(0);
  });

  it('drop-new counts only the events a predicate would have kept', () => {
    const host = new TraceHost({
      seam: fakeSeam(),
      memoryBytes: 1 << 20,
      arenaBytes: 4096,
      bufferBytes: 512,
      overflow: 'drop-new',
    });
    const ev = host.defineEvent('t', 'e', 'unsigned long a; unsigned long b;');
    host.enable(ev);
    host.setPredicate(ev, 'a & 1');
    for (let i = 0; i < 80; i++) ev.emit(i, i); // 40 odd: 12 fit, 28 are lost; 40 even are filtered
    const st = host.buffer.stats();
    expect(st.entries).toBe(12);
    expect(st.dropped).toBe(28);
    expect(ev.filtered).toBe(40);
    expect(host.readPipe()[0]).toBe('CPU:0 [LOST 28 EVENTS]');
  });
});
