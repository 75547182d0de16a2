/**
 * The RFC's hot memory helpers in WebAssembly: bpf_probe_read / probe_read_kernel (4, 113),
 * bpf_memcmp (1001) and bpf_load_pointer (1002). They check their pointers against the
 * memory's regions, which live in JavaScript; the module keeps a copy — a region table in the
 * linear memory's NULL guard, which no program can reach on any engine (vm's memory.ts), so
 * a program cannot widen what the helpers trust — and asks JavaScript to rewrite it (`refresh`)
 * only when a check fails, then checks again (as jit-x64's native helpers do). One table per
 * runtime, shared by its programs: it mirrors the runtime's regions. So a region allocated after the last refresh is
 * found at the cost of one refresh; a region freed since is still trusted until the next miss.
 * More regions than the table holds: every call goes to the JavaScript helper.
 */
import { EFAULT, EINVAL } from '@tbpf/vm';
import { Code, I32, I64 } from '../wasm/code.js';
import { Op } from '../wasm/opcodes.js';
import type { BoundNatives, NativeContext, NativeHelpers } from './native.js';

/**
 * Region table: u32 count, u32 overflow flag, u32 index of the entry that satisfied the last
 * check (where the next check looks first), 4 reserved bytes, then (start, end, writable) u32
 * triples.
 */
export const TABLE_HEADER = 16;
const TABLE_LAST_HIT = 8;
export const TABLE_ENTRY = 12;
export const TABLE_CAPACITY = 256;
export const TABLE_BYTES = TABLE_HEADER + TABLE_ENTRY * TABLE_CAPACITY;
/** Where the table lives: inside the NULL guard, out of every program's reach. */
export const REGION_TABLE_AT = 0;

export const PROBE_READ = 4;
export const PROBE_READ_KERNEL = 113;
export const MEMCMP = 1001;
export const LOAD_POINTER = 1002;
export const PROBE_READ_STR = 45;
export const PROBE_READ_KERNEL_STR = 115;
export const MEMORY_HELPERS = [
  PROBE_READ,
  PROBE_READ_KERNEL,
  PROBE_READ_STR,
  PROBE_READ_KERNEL_STR,
  MEMCMP,
  LOAD_POINTER,
] as const;

/** bpf_memcmp compares fewer than this many bytes (vm's MEMCMP_MAX). */
const MEMCMP_MAX = 64;

export interface RegionLike {
  start: number;
  end: number;
  writable: boolean;
}

/** Write `regions` (sorted by start) into the table at `table` (an offset into `view`). */
export function writeRegionTable(view: DataView, table: number, regions: readonly RegionLike[]): void {
  const overflow = regions.length > TABLE_CAPACITY;
  view.setUint32(table, overflow ? 0 : regions.length, true);
  view.setUint32(table + 4, overflow ? 1 : 0, true);
  view.setUint32(table + TABLE_LAST_HIT, 0, true);
  if (overflow) return;
  regions.forEach((r, i) => {
    const at = table + TABLE_HEADER + TABLE_ENTRY * i;
    view.setUint32(at, r.start, true);
    view.setUint32(at + 4, r.end, true);
    view.setUint32(at + 8, r.writable ? 1 : 0, true);
  });
}

/** @param table offset of the region table (TABLE_BYTES, kept up to date by the `refresh` import). */
export function nativeMemoryHelpers(ids: ReadonlySet<number>, table: number): NativeHelpers {
  return {
    bind(ctx: NativeContext): BoundNatives {
      const declared = new Map<number, { index: number; code: Code }>();
      let checked = -1;
      let checkedCode: Code | undefined;
      let regionEnd = -1;
      let regionEndCode: Code | undefined;
      return {
        get(id) {
          if (!ids.has(id)) return undefined;
          if (checked < 0) {
            checked = ctx.m.func([I64, I64, I32], [I32]);
            checkedCode = new Code(3);
          }
          if (regionEnd < 0 && (id === PROBE_READ_STR || id === PROBE_READ_KERNEL_STR)) {
            regionEnd = ctx.m.func([I64, I64, I32], [I32]);
            regionEndCode = new Code(3);
          }
          let d = declared.get(id);
          if (!d) {
            d = { index: ctx.m.func([I64, I64, I64, I64, I64, I32], [I64]), code: new Code(6) };
            declared.set(id, d);
          }
          return d.index;
        },
        finish() {
          if (checkedCode) {
            defineChecked(checkedCode, table, ctx, 'offset');
            ctx.m.define(checked, checkedCode);
          }
          if (regionEndCode) {
            defineChecked(regionEndCode, table, ctx, 'end');
            ctx.m.define(regionEnd, regionEndCode);
          }
          for (const [id, d] of declared) {
            defineHelper(d.code, id, ctx, table, checked, regionEnd);
            ctx.m.define(d.index, d.code);
          }
        },
      };
    },
  };
}

/** Scratch locals of a range check: the range's offset and end, and a table entry's offset. */
interface RangeLocals {
  off: number;
  end: number;
  entry: number;
}

function rangeLocals(c: Code): RangeLocals {
  return { off: c.local(I32), end: c.local(I64), entry: c.local(I32) };
}

/** off = addr's offset, end = off + max(1, size) as a 64-bit value (no wrap). Needs addr's high half 1. */
function setRange(c: Code, l: RangeLocals, addr: () => void, size: () => void): void {
  addr();
  c.op(Op.i32WrapI64).localSet(l.off);
  c.localGet(l.off).op(Op.i64ExtendI32U).i64Const(1);
  size();
  size();
  c.op(Op.i64Eqz).op(Op.select).op(Op.i64Add).localSet(l.end);
}

/** i32: the range lies in the program's own stack (bounds fixed with the module; always writable). */
function inStack(c: Code, l: RangeLocals, layout: NativeContext['layout']): void {
  c.localGet(l.off).i32Const(layout.stackBottom).op(Op.i32GeU);
  c.localGet(l.end).i64Const(layout.stackTop).op(Op.i64LeU).op(Op.i32And);
}

/** i32: the range lies in the region at `entry` (writable, if `write` pushes non-zero). */
function inEntry(c: Code, l: RangeLocals, write: () => void): void {
  c.localGet(l.off).localGet(l.entry).mem(Op.i32Load, 2, 0).op(Op.i32GeU);
  c.localGet(l.end).localGet(l.entry).mem(Op.i64Load32U, 2, 4).op(Op.i64LeU).op(Op.i32And);
  write();
  c.op(Op.i32Eqz).localGet(l.entry).mem(Op.i32Load, 2, 8).op(Op.i32Or).op(Op.i32And);
}

/**
 * i32: the range lies in the region that satisfied the last check. The index is below the
 * count (the table may have shrunk since); every index the table can hold is inside it.
 */
function inLastHit(c: Code, l: RangeLocals, table: number, write: () => void): void {
  c.i32Const(0).mem(Op.i32Load, 2, table + TABLE_LAST_HIT);
  c.i32Const(TABLE_ENTRY)
    .op(Op.i32Mul)
    .i32Const(table + TABLE_HEADER)
    .op(Op.i32Add)
    .localSet(l.entry);
  inEntry(c, l, write);
  c.i32Const(0).mem(Op.i32Load, 2, table + TABLE_LAST_HIT);
  c.i32Const(0).mem(Op.i32Load, 2, table).op(Op.i32LtU).op(Op.i32And);
}

/**
 * `checked(addr: i64, size: i64, write: i32) → offset or -1`: vm's `checked` — the offset of
 * [addr, addr + max(1, size)) if it lies inside one region (a writable one when `write`).
 * With `result: 'end'` the function returns that region's end offset instead. The helpers
 * try the fast paths inline first (`checkInline`); this looks them up again, then searches
 * the table, refreshing it once on a miss.
 */
function defineChecked(c: Code, table: number, ctx: NativeContext, result: 'offset' | 'end'): void {
  const { refreshImport, layout } = ctx;
  const [addr, size, write] = [0, 1, 2];
  const l = rangeLocals(c);
  const lo = c.local(I32);
  const hi = c.local(I32);
  const mid = c.local(I32);
  const attempt = c.local(I32);
  const pushWrite = () => c.localGet(write);
  const found = (): void => {
    c.open(Op.if);
    if (result === 'offset') c.localGet(l.off);
    else c.localGet(l.entry).mem(Op.i32Load, 2, 4);
    c.op(Op.return).end();
  };
  c.localGet(addr)
    .i64Const(32)
    .op(Op.i64ShrU)
    .i64Const(1)
    .op(Op.i64Ne)
    .open(Op.if)
    .i32Const(-1)
    .op(Op.return);
  c.end();
  setRange(
    c,
    l,
    () => c.localGet(addr),
    () => c.localGet(size),
  );
  inStack(c, l, layout);
  c.open(Op.if);
  if (result === 'offset') c.localGet(l.off);
  else c.i32Const(layout.stackTop);
  c.op(Op.return).end();
  inLastHit(c, l, table, pushWrite);
  found();
  c.open(Op.loop);
  c.i32Const(0).localSet(lo);
  c.i32Const(0).mem(Op.i32Load, 2, table).i32Const(1).op(Op.i32Sub).localSet(hi);
  c.open(Op.block);
  c.open(Op.loop);
  c.localGet(lo).localGet(hi).op(Op.i32GtS).brIf(1);
  c.localGet(lo).localGet(hi).op(Op.i32Add).i32Const(1).op(Op.i32ShrS).localTee(mid);
  c.i32Const(TABLE_ENTRY)
    .op(Op.i32Mul)
    .i32Const(table + TABLE_HEADER)
    .op(Op.i32Add)
    .localSet(l.entry);
  c.localGet(l.off).localGet(l.entry).mem(Op.i32Load, 2, 0).op(Op.i32LtU).open(Op.if);
  c.localGet(mid).i32Const(1).op(Op.i32Sub).localSet(hi).br(1);
  c.end();
  c.localGet(l.off).localGet(l.entry).mem(Op.i32Load, 2, 4).op(Op.i32GeU).open(Op.if);
  c.localGet(mid).i32Const(1).op(Op.i32Add).localSet(lo).br(1);
  c.end();
  // The region holding off: remembered for the next check; the range must end inside it.
  c.i32Const(0)
    .localGet(mid)
    .mem(Op.i32Store, 2, table + TABLE_LAST_HIT);
  inEntry(c, l, pushWrite);
  found();
  c.br(1);
  c.end();
  c.end();
  // Not found: refresh the table once and look again.
  c.localGet(attempt).op(Op.i32Eqz).open(Op.if);
  c.i32Const(1).localSet(attempt).call(refreshImport).br(1);
  c.end();
  c.end();
  c.i32Const(-1);
}

/**
 * Push `checked(addr, size, write)`'s result, trying the fast paths (the stack, the last
 * region) inline: most checks then cost a few compares and no call.
 */
function checkInline(
  c: Code,
  l: RangeLocals,
  ctx: NativeContext,
  table: number,
  checked: number,
  addr: () => void,
  size: () => void,
  write: 0 | 1,
): void {
  const pushWrite = () => c.i32Const(write);
  c.open(Op.block, I32);
  c.i32Const(-1);
  addr();
  c.i64Const(32).op(Op.i64ShrU).i64Const(1).op(Op.i64Ne).brIf(0);
  c.op(Op.drop);
  setRange(c, l, addr, size);
  c.localGet(l.off);
  inStack(c, l, ctx.layout);
  c.brIf(0).op(Op.drop);
  c.localGet(l.off);
  inLastHit(c, l, table, pushWrite);
  c.brIf(0).op(Op.drop);
  addr();
  size();
  pushWrite();
  c.call(checked);
  c.end();
}

function defineHelper(
  c: Code,
  id: number,
  ctx: NativeContext,
  table: number,
  checked: number,
  regionEnd: number,
): void {
  const [r1, r2, r3, pc] = [0, 1, 2, 5];
  let range: RangeLocals | undefined;
  const check = (addr: number, size: () => void, write: 0 | 1): void => {
    range ??= rangeLocals(c);
    checkInline(c, range, ctx, table, checked, () => c.localGet(addr), size, write);
  };
  // A table too small for the memory's regions: leave it all to JavaScript.
  c.i32Const(0)
    .mem(Op.i32Load, 2, table + 4)
    .open(Op.if);
  c.i32Const(id).localGet(pc);
  for (let n = 0; n < 5; n++) c.localGet(n);
  c.call(ctx.slowPath).op(Op.return).end();
  const ret = (value: number): void => {
    c.i64Const(value).op(Op.return);
  };
  if (id === PROBE_READ || id === PROBE_READ_KERNEL) {
    const dst = c.local(I32);
    const src = c.local(I32);
    c.localGet(r2).op(Op.i64Eqz).open(Op.if);
    ret(0);
    c.end();
    c.localGet(r2).i64Const(0x7fffffff).op(Op.i64GtU).open(Op.if);
    ret(-EINVAL);
    c.end();
    check(r1, () => c.localGet(r2), 1);
    c.localTee(dst).i32Const(0).op(Op.i32LtS).open(Op.if);
    ret(-EFAULT);
    c.end();
    check(r3, () => c.localGet(r2), 0);
    c.localTee(src).i32Const(0).op(Op.i32LtS).open(Op.if);
    c.localGet(dst).i32Const(0).localGet(r2).op(Op.i32WrapI64).memoryFill();
    ret(-EFAULT);
    c.end();
    c.localGet(dst).localGet(src).localGet(r2).op(Op.i32WrapI64).memoryCopy();
    c.i64Const(0);
    return;
  }
  if (id === PROBE_READ_STR || id === PROBE_READ_KERNEL_STR) {
    // Copy up to size - 1 bytes up to a NUL, then a NUL; a string running off its region (or
    // no region at all) is -EFAULT with the destination zeroed.
    const dst = c.local(I32);
    const src = c.local(I32);
    const end = c.local(I32);
    const n = c.local(I32);
    const last = c.local(I32);
    c.localGet(r2).op(Op.i64Eqz).open(Op.if);
    ret(0);
    c.end();
    c.localGet(r2).i64Const(0x7fffffff).op(Op.i64GtU).open(Op.if);
    ret(-EINVAL);
    c.end();
    check(r1, () => c.localGet(r2), 1);
    c.localTee(dst).i32Const(0).op(Op.i32LtS).open(Op.if);
    ret(-EFAULT);
    c.end();
    c.localGet(r2).op(Op.i32WrapI64).i32Const(1).op(Op.i32Sub).localSet(last);
    c.localGet(r3)
      .i64Const(1)
      .i32Const(0)
      .call(regionEnd)
      .localTee(end)
      .i32Const(-1)
      .op(Op.i32Ne)
      .open(Op.if);
    c.localGet(r3).op(Op.i32WrapI64).localSet(src);
    // while (n < size - 1 && src + n < end && mem[src + n] != 0) n++
    c.open(Op.block).open(Op.loop);
    c.localGet(n).localGet(last).op(Op.i32GeU).brIf(1);
    c.localGet(src).localGet(n).op(Op.i32Add).localGet(end).op(Op.i32GeU).brIf(1);
    c.localGet(src).localGet(n).op(Op.i32Add).mem(Op.i32Load8U, 0).op(Op.i32Eqz).brIf(1);
    c.localGet(n).i32Const(1).op(Op.i32Add).localSet(n).br(0);
    c.end().end();
    // Complete: size - 1 bytes, or a NUL found inside the region.
    c.localGet(n).localGet(last).op(Op.i32Eq);
    c.localGet(src).localGet(n).op(Op.i32Add).localGet(end).op(Op.i32LtU).open(Op.if, I32);
    c.localGet(src).localGet(n).op(Op.i32Add).mem(Op.i32Load8U, 0).op(Op.i32Eqz);
    c.op(Op.else).i32Const(0).end();
    c.op(Op.i32Or).open(Op.if);
    c.localGet(dst).localGet(src).localGet(n).memoryCopy();
    c.localGet(dst).localGet(n).op(Op.i32Add).i32Const(0).mem(Op.i32Store8, 0);
    c.localGet(n).i32Const(1).op(Op.i32Add).op(Op.i64ExtendI32U).op(Op.return);
    c.end();
    c.end();
    c.localGet(dst).i32Const(0).localGet(r2).op(Op.i32WrapI64).memoryFill();
    c.i64Const(-EFAULT);
    return;
  }
  if (id === MEMCMP) {
    const a = c.local(I32);
    const b = c.local(I32);
    const i = c.local(I32);
    const d = c.local(I32);
    c.localGet(r3).i64Const(0).op(Op.i64LtS).localGet(r3).i64Const(MEMCMP_MAX).op(Op.i64GeS).op(Op.i32Or);
    c.open(Op.if);
    ret(-1);
    c.end();
    c.localGet(r3).op(Op.i64Eqz).open(Op.if);
    ret(0);
    c.end();
    check(r1, () => c.localGet(r3), 0);
    c.localSet(a);
    check(r2, () => c.localGet(r3), 0);
    c.localSet(b);
    c.localGet(a).localGet(b).op(Op.i32Or).i32Const(0).op(Op.i32LtS).open(Op.if);
    ret(-EFAULT);
    c.end();
    // Byte by byte: the bytes were often just stored one at a time (a string on the stack),
    // and a wider load across such stores would wait for them (no store forwarding).
    c.open(Op.block).open(Op.loop);
    c.localGet(a).localGet(i).op(Op.i32Add).mem(Op.i32Load8U, 0);
    c.localGet(b).localGet(i).op(Op.i32Add).mem(Op.i32Load8U, 0);
    c.op(Op.i32Sub).localTee(d).open(Op.if).localGet(d).op(Op.i64ExtendI32S).op(Op.return).end();
    c.localGet(i).i32Const(1).op(Op.i32Add).localTee(i).localGet(r3).op(Op.i32WrapI64).op(Op.i32LtU).brIf(0);
    c.end().end();
    c.i64Const(0);
    return;
  }
  // LOAD_POINTER: the 8 bytes at r1, or 0 when unreadable.
  const at = c.local(I32);
  check(r1, () => c.i64Const(8), 0);
  c.localTee(at).i32Const(0).op(Op.i32LtS).open(Op.if);
  ret(0);
  c.end();
  c.localGet(at).mem(Op.i64Load, 0);
}

/** Natives from several providers: the first that implements an id wins. */
export function combineNatives(...providers: NativeHelpers[]): NativeHelpers {
  return {
    bind(ctx) {
      const bound = providers.map((p) => p.bind(ctx));
      return {
        get: (id) => {
          for (const b of bound) {
            const index = b.get(id);
            if (index !== undefined) return index;
          }
          return undefined;
        },
        finish: () => {
          for (const b of bound) b.finish();
        },
      };
    },
  };
}
