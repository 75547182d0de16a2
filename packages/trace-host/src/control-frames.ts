/**
 * Framing of the control socket: a 4-byte big-endian length, then that many bytes of UTF-8
 * JSON. The reader keeps the chunks of a frame in a list and joins them once, when the frame is
 * complete, so a frame of N bytes costs O(N) however it is split; it never holds more than one
 * partial frame and refuses a length above its limit before buffering anything.
 */

/** Encode one frame. */
export function encodeFrame(obj: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(obj), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    readonly code: 'E2BIG' | 'EBADMSG',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A streaming frame reader. `push` each chunk as it arrives: it hands every frame the chunk
 * completes to `onFrame`, in order, then throws FrameError at a frame over `maxFrameBytes`
 * (before reading its body) or a body that is not JSON.
 */
export class FrameReader {
  /** Bytes of the frame being read (header included) received so far. */
  private chunks: Buffer[] = [];
  private have = 0;
  /** Body length of the current frame, once its header is complete; -1 before. */
  private need = -1;

  constructor(readonly maxFrameBytes: number) {}

  /** Bytes held for the incomplete frame (what a stalled client costs). */
  get buffered(): number {
    return this.have;
  }

  /** True while a frame has started but is not complete. */
  get partial(): boolean {
    return this.have > 0;
  }

  push(chunk: Buffer, onFrame: (frame: unknown) => void): void {
    let rest = chunk;
    while (rest.length > 0) {
      if (this.need < 0) {
        // Header: take just enough bytes to complete the 4-byte length.
        const take = Math.min(4 - this.have, rest.length);
        this.chunks.push(rest.subarray(0, take));
        this.have += take;
        rest = rest.subarray(take);
        if (this.have < 4) break;
        const head = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, 4);
        const n = head.readUInt32BE(0);
        if (n > this.maxFrameBytes) {
          this.reset();
          throw new FrameError(
            'E2BIG',
            `control frame of ${n} bytes exceeds the limit of ${this.maxFrameBytes}`,
          );
        }
        this.chunks = [];
        this.have = 4;
        this.need = n;
      }
      const take = Math.min(this.need - (this.have - 4), rest.length);
      if (take > 0) this.chunks.push(rest.subarray(0, take));
      this.have += take;
      rest = rest.subarray(take);
      if (this.have - 4 < this.need) break;
      const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.need);
      this.reset();
      let frame: unknown;
      try {
        frame = JSON.parse(body.toString('utf8'));
      } catch (e) {
        throw new FrameError('EBADMSG', `control frame is not JSON: ${(e as Error).message}`);
      }
      onFrame(frame);
    }
  }

  private reset(): void {
    this.chunks = [];
    this.have = 0;
    this.need = -1;
  }
}
