/**
 * The linear memory: every byte a program can reach lives in ONE fixed-size buffer per runtime
 * (DESIGN.md §4) — contexts, stacks, map descriptors/tables/values, ring buffers and the host's
 * data arena are regions carved out of it.
 *
 * ADDRESS SCHEME. A BPF address is `BPF_ADDRESS_BASE + offset`, where `BPF_ADDRESS_BASE` is
 * 2^32 = 0x1_0000_0000 and `offset` is a byte offset into the memory. Consequences every engine
 * relies on:
 * - the low 32 bits of a pointer ARE the offset: the WebAssembly JIT uses `i32.wrap_i64`, the
 *   x86-64 JIT addresses `[base + (u32)ptr + disp]`, the interpreter reads the low half;
 * - 0 (NULL) is never a valid address (its high half is 0, not 1);
 * - offsets 0..`NULL_GUARD`-1 belong to no region, so a pointer whose low half is small (NULL
 *   plus a field offset, after 32-bit wrapping) faults on every engine.
 *
 * THE SANDBOX (what every engine does unless asked for region checks, `boundsCheck: true`,
 * which only the interpreter offers): an access of `size` bytes through register R with offset `off` is at offset
 * `(low 32 bits of R + off) mod 2^32` — R's high half is ignored — and it faults with
 * VmError('out-of-bounds') at its pc unless `NULL_GUARD ≤ offset` and `offset + size ≤ size of
 * the memory`. Inside that window any byte may be read or written: regions and their
 * read-only flag are the verifier's business (and the checked interpreter's, `boundsCheck:
 * true`). So the interpreter, the x86-64 JIT and WebAssembly give the
 * same result or the same fault for the same program, and nothing outside the linear memory is
 * ever touched. `NULL_GUARD` is 32 KiB, the reach of a negative BPF offset, which makes the rule
 * hold for WebAssembly's unwrapped `address + offset` too.
 *
 * The backing store is a `WebAssembly.Memory` created with initial = maximum pages and never
 * grown, so its `ArrayBuffer` never moves or detaches: jit-wasm imports it as its memory and
 * jit-x64's native addon takes the buffer's address once.
 */
import { VmError } from './errors.js';

/** 2^32: BPF address = BPF_ADDRESS_BASE + offset into the linear memory. */
export const BPF_ADDRESS_BASE = 0x1_0000_0000;
/** The high 32 bits of every valid BPF address. */
export const BPF_ADDRESS_HIGH = 1;
/** Offsets below this are never part of a region and fault on every engine (NULL-ish pointers). */
export const NULL_GUARD = 0x8000;
/** Why a sandboxed access faults (see THE SANDBOX above). */
export const SANDBOX_FAULT = 'outside the linear memory or inside its NULL guard';
/** WebAssembly page size. */
export const WASM_PAGE = 65536;
/** Default memory size: 16 MiB. */
export const DEFAULT_MEMORY_BYTES = 16 * 1024 * 1024;

/**
 * What a region holds; informational (error messages, debuggers, the verifier's pointer types),
 * except 'scratch': an engine's private bytes (WebAssembly's helper exchange), which no program
 * reaches — `regionAt` and `programRegions` leave them out, so neither a bounds-checked access nor
 * a helper argument can name them.
 */
export type RegionKind = 'context' | 'stack' | 'map' | 'ringbuf' | 'host' | 'data' | 'scratch';

/** A contiguous, bounds-checked part of the linear memory. */
export interface Region {
  /** A name for messages, e.g. `stack`, `map counts: values`. */
  readonly name: string;
  readonly kind: RegionKind;
  /** First byte: offset into the linear memory. */
  readonly start: number;
  /** Size in bytes. */
  readonly size: number;
  /** One past the last byte (start + size). */
  readonly end: number;
  /** Programs may store into it. Loads are always allowed inside a region. */
  readonly writable: boolean;
}

export interface AllocOptions {
  name: string;
  kind: RegionKind;
  writable: boolean;
  /** Alignment of the start offset (power of two, default 8). */
  align?: number;
}

export interface LinearMemoryOptions {
  /** Size in bytes; rounded up to whole 64 KiB pages, at most 2 GiB. Default 16 MiB. */
  bytes?: number;
}

/**
 * The `WebAssembly.Memory` surface the vm uses, declared here so that packages compiling the vm
 * need no DOM typings (cast to `WebAssembly.Memory` where those exist).
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(deltaPages: number): number;
}

type WasmMemoryConstructor = new (descriptor: { initial: number; maximum: number }) => WasmMemory;

function createWasmMemory(pages: number): WasmMemory {
  const wasm = (globalThis as { WebAssembly?: { Memory: WasmMemoryConstructor } }).WebAssembly;
  if (!wasm) throw new VmError('out-of-memory', 'this JavaScript host has no WebAssembly.Memory');
  return new wasm.Memory({ initial: pages, maximum: pages });
}

/** Convert an offset into the linear memory to a BPF address. */
export function addressOf(offset: number): bigint {
  return BigInt(BPF_ADDRESS_BASE + offset);
}

/**
 * Convert a BPF address to an offset, or -1 if the address is not inside the linear memory's
 * address range (high half not 1).
 */
export function offsetOf(address: bigint, memoryBytes: number): number {
  const off = address - BigInt(BPF_ADDRESS_BASE);
  return off >= 0n && off < BigInt(memoryBytes) ? Number(off) : -1;
}

/**
 * One linear memory with a region allocator. Allocation is first-fit over a sorted list of
 * regions; freeing returns the space. Regions never overlap and never start below NULL_GUARD.
 */
export class LinearMemory {
  /** The backing `WebAssembly.Memory` (initial = maximum pages; never grown). */
  readonly memory: WasmMemory;
  /** The backing store; never detached (the memory is never grown). */
  readonly buffer: ArrayBuffer;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Size in bytes. */
  readonly size: number;
  /** Live regions sorted by start. */
  private readonly list: Region[] = [];
  /**
   * The last two regions `regionAt` searched for (the newer first): a helper's pointer pairs (the
   * RFC's memcmp: a device name and the stack) and an interpreter checking regions ask for the
   * same few regions run after run. Never 'scratch'; a freed region leaves them.
   */
  private hit0: Region | undefined;
  private hit1: Region | undefined;

  constructor(options: LinearMemoryOptions = {}) {
    const pages = Math.max(1, Math.ceil((options.bytes ?? DEFAULT_MEMORY_BYTES) / WASM_PAGE));
    // ≤ 2 GiB keeps every offset a non-negative int32 (the interpreter's address arithmetic).
    if (pages > 32768) throw new VmError('out-of-memory', `linear memory of ${pages} pages exceeds 2 GiB`);
    this.memory = createWasmMemory(pages);
    this.buffer = this.memory.buffer;
    this.size = this.buffer.byteLength;
    this.bytes = new Uint8Array(this.buffer);
    this.view = new DataView(this.buffer);
  }

  /** All live regions, sorted by start offset. */
  get regions(): readonly Region[] {
    return this.list;
  }

  /** The regions programs may reach (engine-private 'scratch' left out), sorted by start offset. */
  get programRegions(): readonly Region[] {
    return this.list.filter((r) => r.kind !== 'scratch');
  }

  /** Carve out a zero-filled region of `size` bytes (first fit). Throws VmError('out-of-memory'). */
  alloc(size: number, options: AllocOptions): Region {
    if (!Number.isInteger(size) || size <= 0) {
      throw new VmError('out-of-memory', `cannot allocate ${size} bytes for ${options.name}`);
    }
    const align = options.align ?? 8;
    let cursor = NULL_GUARD;
    let at = 0;
    for (; at <= this.list.length; at++) {
      const start = (cursor + align - 1) & ~(align - 1);
      const limit = at < this.list.length ? this.list[at].start : this.size;
      if (start + size <= limit) {
        cursor = start;
        break;
      }
      if (at < this.list.length) cursor = this.list[at].end;
    }
    if (at > this.list.length) {
      throw new VmError(
        'out-of-memory',
        `linear memory (${this.size} bytes) has no room for ${size} bytes (${options.name})`,
      );
    }
    const region: Region = {
      name: options.name,
      kind: options.kind,
      start: cursor,
      size,
      end: cursor + size,
      writable: options.writable,
    };
    this.bytes.fill(0, region.start, region.end);
    this.list.splice(at, 0, region);
    return region;
  }

  /** Return a region's space to the allocator. Its bytes are zeroed on the next allocation. */
  free(region: Region): void {
    const at = this.list.indexOf(region);
    if (at >= 0) this.list.splice(at, 1);
    if (this.hit0 === region) this.hit0 = undefined;
    if (this.hit1 === region) this.hit1 = undefined;
  }

  /**
   * The region programs may reach containing [offset, offset + size), or undefined: one of the
   * last two found, else a binary search.
   */
  regionAt(offset: number, size = 1): Region | undefined {
    const h0 = this.hit0;
    if (h0 !== undefined && offset >= h0.start && offset < h0.end) {
      return offset + size <= h0.end ? h0 : undefined;
    }
    const h1 = this.hit1;
    if (h1 !== undefined && offset >= h1.start && offset < h1.end) {
      return offset + size <= h1.end ? h1 : undefined;
    }
    let lo = 0;
    let hi = this.list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.list[mid];
      if (offset < r.start) hi = mid - 1;
      else if (offset >= r.end) lo = mid + 1;
      else if (r.kind === 'scratch') return undefined;
      else {
        this.hit1 = h0;
        this.hit0 = r;
        return offset + size <= r.end ? r : undefined;
      }
    }
    return undefined;
  }

  /**
   * The region containing the BPF address range [address, address + size), or undefined.
   * For probe-read style helpers that must not fault.
   */
  regionOfAddress(address: bigint, size: number): Region | undefined {
    const off = offsetOf(address, this.size);
    return off < 0 ? undefined : this.regionAt(off, size);
  }

  /** Copy `data` into the memory at `offset`. */
  write(offset: number, data: Uint8Array): void {
    this.bytes.set(data, offset);
  }

  /** A copy of `size` bytes at `offset`. */
  read(offset: number, size: number): Uint8Array {
    return this.bytes.slice(offset, offset + size);
  }

  /** Read a NUL-terminated string (at most `max` bytes) starting at `offset`, stopping at the region's end. */
  readCString(offset: number, max = 4096): string {
    const region = this.regionAt(offset);
    const stop = Math.min(offset + max, region ? region.end : offset);
    let end = offset;
    while (end < stop && this.bytes[end] !== 0) end++;
    return new TextDecoder().decode(this.bytes.subarray(offset, end));
  }
}
