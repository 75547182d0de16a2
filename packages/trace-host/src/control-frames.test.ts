import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameError, FrameReader } from './control-frames.js';

function readAll(reader: FrameReader, chunks: Buffer[]): unknown[] {
  const out: unknown[] = [];
  for (const c of chunks) reader.push(c, (f) => out.push(f));
  return out;
}

describe('FrameReader', () => {
  const frames = [{ id: 1, op: 'list' }, 'x'.repeat(300), [1, 2, 3], null, { nested: { a: 'é' } }];
  const bytes = Buffer.concat(frames.map(encodeFrame));

  it('reads frames split at every position', () => {
    for (let cut = 0; cut <= bytes.length; cut++) {
      const r = new FrameReader(1000);
      expect(readAll(r, [bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(frames);
      expect(r.partial).toBe(false);
    }
  });

  it('reads frames one byte at a time and reports the bytes held for a partial frame', () => {
    const r = new FrameReader(1000);
    const out: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) {
      r.push(bytes.subarray(i, i + 1), (f) => out.push(f));
      expect(r.buffered).toBeLessThanOrEqual(4 + 302);
    }
    expect(out).toEqual(frames);
    expect(r.buffered).toBe(0);
  });

  it('refuses an oversized frame from its header, before buffering the body', () => {
    const r = new FrameReader(100);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(101);
    const out: unknown[] = [];
    expect(() => r.push(Buffer.concat([encodeFrame(1), head]), (f) => out.push(f))).toThrow(
      expect.objectContaining({ code: 'E2BIG' }),
    );
    expect(out).toEqual([1]); // frames before the bad one are delivered
    expect(r.buffered).toBe(0);
  });

  it('reports a body that is not JSON', () => {
    const r = new FrameReader(100);
    const body = Buffer.from('{nope');
    const head = Buffer.alloc(4);
    head.writeUInt32BE(body.length);
    let error: unknown;
    try {
      r.push(Buffer.concat([head, body]), () => {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FrameError);
    expect(error).toMatchObject({ code: 'EBADMSG' });
  });

  it('joins a large frame sent in many chunks once', () => {
    const big = { data: 'y'.repeat(4 << 20) };
    const enc = encodeFrame(big);
    const r = new FrameReader(8 << 20);
    const chunks: Buffer[] = [];
    for (let at = 0; at < enc.length; at += 65536) chunks.push(enc.subarray(at, at + 65536));
    const concat = Buffer.concat;
    let joins = 0;
    Buffer.concat = ((list: readonly Uint8Array[], n?: number) => {
      joins++;
      return concat(list, n);
    }) as typeof Buffer.concat;
    try {
      expect(readAll(r, chunks)).toEqual([big]);
    } finally {
      Buffer.concat = concat;
    }
    expect(joins).toBeLessThanOrEqual(2); // the header (if split) and the body: never per chunk
  });
});
