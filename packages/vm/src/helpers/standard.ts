/**
 * The standard helpers (TypeScript implementations) with their prototypes. Memory arguments are
 * BPF addresses checked against the linear memory's regions: probe reads and the RFC helpers
 * return -EFAULT (or 0) instead of faulting; map and ring buffer helpers given a pointer outside
 * every region stop the program with VmError('out-of-bounds') — a verified program never does.
 */
import { EFAULT, EINVAL, EOPNOTSUPP, VmError } from '../errors.js';
import { PerfEventArray } from '../maps/perf-event-array.js';
import { ProgArray } from '../maps/prog-array.js';
import { QueueStackMap } from '../maps/queue-stack.js';
import { RingBuffer } from '../maps/ringbuf.js';
import { StackTraceMap } from '../maps/stack-trace.js';
import { BPF_ADDRESS_BASE } from '../memory.js';
import { packetHelperEntries } from '../packet/helpers.js';
import { MAX_TAIL_CALLS } from '../tail-call.js';
import { checked, required } from './args.js';
import { HELPER } from './ids.js';
import { LINUX_HELPER_PROTOTYPES } from './linux-prototypes.js';
import { formatPrintk, type PrintkArg } from './printk.js';
import type { HelperPrototype } from './prototype.js';
import { type HelperCall, type HelperFn, HelperRegistry } from './registry.js';

/** Longest string %s and probe_read_str look at in one go when no size bounds it. */
const MAX_STRING = 255;
/** bpf_memcmp compares at most this many bytes; size ≥ 64 returns -1 (the RFC's buffer). */
export const MEMCMP_MAX = 64;

function address(offset: number): number {
  return offset === 0 ? 0 : BPF_ADDRESS_BASE + offset;
}

const mapLookup: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[1], call.hi[1], call.pc);
  return address(map.lookupAt(required(call, 2, map.keySize, 'key')));
};

const mapUpdate: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[1], call.hi[1], call.pc);
  const key = required(call, 2, map.keySize, 'key');
  const value = required(call, 3, map.valueSize, 'value');
  return map.updateAt(key, value, call.num(4));
};

const mapDelete: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[1], call.hi[1], call.pc);
  return map.deleteAt(required(call, 2, map.keySize, 'key'));
};

/** The queue or stack map behind r1 (map_push/pop/peek_elem take no other). */
function queueOf(call: HelperCall): QueueStackMap {
  const map = call.runtime.mapOfPointer(call.lo[1], call.hi[1], call.pc);
  if (!(map instanceof QueueStackMap))
    throw new VmError('helper-failed', `map ${map.name} is not a queue or a stack`, call.pc);
  return map;
}

/** map_push_elem(map, value, flags). */
const mapPush: HelperFn = (call) => {
  const map = queueOf(call);
  const value = required(call, 2, map.valueSize, 'value');
  return map.push(call.runtime.memory.bytes.subarray(value, value + map.valueSize), call.num(3));
};

/** map_pop_elem(map, value) / map_peek_elem(map, value): the value into r2, or -ENOENT. */
const mapTake =
  (pop: boolean): HelperFn =>
  (call) => {
    const map = queueOf(call);
    const out = required(call, 2, map.valueSize, 'value', true);
    const value = pop ? map.pop() : map.peek();
    if (typeof value === 'number') return value;
    call.runtime.memory.bytes.set(value, out);
    return 0;
  };

/** get_stack / get_stackid flags: frames to skip, the user-space chain, build ids, reuse. */
const SKIP_MASK = 0xff;
const USER_STACK = 1 << 8;
const FAST_STACK_CMP = 1 << 9;
const REUSE_STACKID = 1 << 10;
const USER_BUILD_ID = 1 << 11;

/** The runtime's call chain for `flags`: user or kernel, the skipped frames dropped. */
function chain(call: HelperCall, flags: number): readonly bigint[] {
  return call.runtime.stack((flags & USER_STACK) !== 0).slice(flags & SKIP_MASK);
}

/** get_stack(ctx, buf, size, flags): frames into buf, the rest zeroed; bytes written or -errno. */
const getStack: HelperFn = (call) => {
  const size = call.num(3);
  const buf = size === 0 ? 0 : required(call, 2, size, 'buf', true);
  const bytes = call.runtime.memory.bytes;
  bytes.fill(0, buf, buf + size);
  if (call.hi[4] !== 0 || call.u32(4) & ~(SKIP_MASK | USER_STACK | USER_BUILD_ID)) return -EINVAL;
  if (call.u32(4) & USER_BUILD_ID) return call.u32(4) & USER_STACK ? -EOPNOTSUPP : -EINVAL;
  if (size % 8 !== 0) return -EINVAL;
  const ips = chain(call, call.u32(4)).slice(0, size / 8);
  const view = call.runtime.memory.view;
  for (let i = 0; i < ips.length; i++) view.setBigUint64(buf + i * 8, ips[i], true);
  return ips.length * 8;
};

/** get_stackid(ctx, map, flags): the id of the chain in a stack trace map, or -errno. */
const getStackid: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[2], call.hi[2], call.pc);
  if (!(map instanceof StackTraceMap))
    throw new VmError('helper-failed', `map ${map.name} is not a stack trace map`, call.pc);
  const flags = call.u32(3);
  if (call.hi[3] !== 0 || flags & ~(SKIP_MASK | USER_STACK | FAST_STACK_CMP | REUSE_STACKID)) return -EINVAL;
  const ips = chain(call, flags);
  if (ips.length === 0) return -EFAULT;
  return map.store(ips, (flags & REUSE_STACKID) !== 0);
};

/** probe_read(dst, size, unsafe_ptr): copy or zero-fill dst and return -EFAULT. */
const probeRead: HelperFn = (call) => {
  const size = call.num(2);
  if (size === 0) return 0;
  if (size > 0x7fffffff) return -EINVAL;
  const dst = checked(call, 1, size, true);
  if (dst < 0) return -EFAULT;
  const bytes = call.runtime.memory.bytes;
  const src = checked(call, 3, size);
  if (src < 0) {
    bytes.fill(0, dst, dst + size);
    return -EFAULT;
  }
  bytes.copyWithin(dst, src, src + size);
  return 0;
};

/**
 * probe_read_str(dst, size, unsafe_ptr): copy up to size-1 bytes up to a NUL, then a NUL;
 * returns the bytes written including the NUL. A string that runs off its region is -EFAULT
 * (dst zeroed).
 */
const probeReadStr: HelperFn = (call) => {
  const size = call.num(2);
  if (size === 0) return 0;
  if (size > 0x7fffffff) return -EINVAL;
  const dst = checked(call, 1, size, true);
  if (dst < 0) return -EFAULT;
  const mem = call.runtime.memory;
  const srcOff = call.offset(3);
  const region = srcOff < 0 ? undefined : mem.regionAt(srcOff);
  if (region) {
    const bytes = mem.bytes;
    let n = 0;
    while (n < size - 1 && srcOff + n < region.end && bytes[srcOff + n] !== 0) n++;
    if (n === size - 1 || (srcOff + n < region.end && bytes[srcOff + n] === 0)) {
      bytes.copyWithin(dst, srcOff, srcOff + n);
      bytes[dst + n] = 0;
      return n + 1;
    }
  }
  mem.bytes.fill(0, dst, dst + size);
  return -EFAULT;
};

function readString(call: HelperCall, arg: PrintkArg): string | undefined {
  if (arg.hi !== 1) return undefined;
  const off = arg.lo >>> 0;
  const mem = call.runtime.memory;
  const region = mem.regionAt(off);
  if (!region) return undefined;
  return mem.readCString(off, MAX_STRING);
}

function printk(call: HelperCall, fmt: string, argRegs: number[]): number {
  const args = argRegs.map((n) => ({ lo: call.lo[n], hi: call.hi[n] }));
  const result = formatPrintk(fmt, args, argRegs.length, (a) => readString(call, a));
  if (!result.ok) return -EINVAL;
  for (const line of result.text.replace(/\n$/, '').split('\n')) call.runtime.printk(line);
  return new TextEncoder().encode(result.text).length;
}

/** Linux: trace_printk(fmt, fmt_size, a1, a2, a3); fmt[fmt_size - 1] must be NUL. */
const tracePrintk: HelperFn = (call) => {
  const size = call.num(2);
  if (size === 0 || size > 0x7fffffff) return -EINVAL;
  const fmt = checked(call, 1, size);
  if (fmt < 0) return -EFAULT;
  const bytes = call.runtime.memory.bytes;
  if (bytes[fmt + size - 1] !== 0) return -EINVAL;
  return printk(call, call.runtime.memory.readCString(fmt, size), [3, 4, 5]);
};

/** RFC cover letter: trace_printk(fmt, a1, a2, a3, a4) with a NUL-terminated fmt. */
const rfcTracePrintk: HelperFn = (call) => {
  const fmt = call.offset(1);
  if (fmt < 0 || !call.runtime.memory.regionAt(fmt)) return -EFAULT;
  return printk(call, call.runtime.memory.readCString(fmt, MAX_STRING), [2, 3, 4, 5]);
};

/**
 * RFC bpf_memcmp(unsafe_ptr, safe_ptr, size): -1 if size ≥ 64 (or negative), -EFAULT if
 * either range is unreadable, else the difference of the first differing bytes (unsigned,
 * a - b) or 0 — the C library's memcmp contract.
 */
const memcmp: HelperFn = (call) => {
  const size = call.signed(3);
  if (size < 0 || size >= MEMCMP_MAX) return -1;
  if (size === 0) return 0;
  const a = checked(call, 1, size);
  const b = checked(call, 2, size);
  if (a < 0 || b < 0) return -EFAULT;
  const bytes = call.runtime.memory.bytes;
  for (let i = 0; i < size; i++) {
    const d = bytes[a + i] - bytes[b + i];
    if (d !== 0) return d;
  }
  return 0;
};

/** BPF_F_CURRENT_CPU: the slot of the CPU the program runs on. */
const CURRENT_CPU = 0xffffffff;

/** perf_event_output(ctx, map, flags, data, size): a record into the slot `flags` names. */
const perfEventOutput: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[2], call.hi[2], call.pc);
  if (!(map instanceof PerfEventArray))
    throw new VmError('helper-failed', `map ${map.name} is not a perf event array`, call.pc);
  if (call.hi[3] !== 0) return -EINVAL;
  const index = call.u32(3) === CURRENT_CPU ? call.runtime.cpu : call.u32(3);
  const size = call.num(5);
  const data = size === 0 ? 0 : required(call, 4, size, 'data');
  return map.output(index, call.runtime.memory.bytes.slice(data, data + size));
};

/**
 * tail_call(ctx, prog_array, index): when slot `index` holds a program and fewer than
 * MAX_TAIL_CALLS were taken, stop here and have `runProgram` start it with r1 = ctx; otherwise
 * fall through to the next instruction, as in Linux.
 */
const tailCall: HelperFn = (call) => {
  const map = call.runtime.mapOfPointer(call.lo[2], call.hi[2], call.pc);
  if (!(map instanceof ProgArray))
    throw new VmError('helper-failed', `map ${map.name} is not a program array`, call.pc);
  const state = call.runtime.tailCalls;
  if (!state.driving)
    throw new VmError('helper-failed', 'bpf_tail_call needs the run to go through runProgram', call.pc);
  const target = map.get(call.u32(3));
  if (!target || state.count >= MAX_TAIL_CALLS) return 0;
  state.count++;
  // A verified caller passes its context: an address in the linear memory (or NULL).
  state.pending = { program: target, ctx: call.offset(1) === -1 ? 0 : call.offset(1) };
  call.stop(0);
  return 0;
};

/** get_current_comm(buf, size): the task's name, NUL-terminated and zero-padded to `size`. */
const getCurrentComm: HelperFn = (call) => {
  const size = call.num(2);
  const dst = checked(call, 1, size, true);
  if (size === 0 || dst < 0) return -EINVAL;
  const name = new TextEncoder().encode(call.runtime.task.comm).subarray(0, size - 1);
  const bytes = call.runtime.memory.bytes;
  bytes.fill(0, dst, dst + size);
  bytes.set(name, dst);
  return 0;
};

/** Two u32s as one u64: `hi` in the upper half (get_current_pid_tgid's tgid << 32 | pid). */
const pair = (call: HelperCall, hi: number, lo: number) => {
  call.set64(lo, hi);
  return undefined;
};

/** memset(dst, c, n): fills n bytes (the builtin old compilers call; the verifier checked dst). */
const memset: HelperFn = (call) => {
  const size = call.num(3);
  if (size === 0) return call.u64(1);
  const dst = required(call, 1, size, 'dst', true);
  call.runtime.memory.bytes.fill(call.lo[2] & 0xff, dst, dst + size);
  return call.u64(1);
};

/** memcpy / memmove(dst, src, n): copies n bytes; overlapping ranges copy as memmove does. */
const memmove: HelperFn = (call) => {
  const size = call.num(3);
  if (size === 0) return call.u64(1);
  const dst = required(call, 1, size, 'dst', true);
  const src = required(call, 2, size, 'src');
  call.runtime.memory.bytes.copyWithin(dst, src, src + size);
  return call.u64(1);
};

/** RFC bpf_load_pointer(unsafe_ptr): the 8 bytes at the address, or 0 if unreadable. */
const loadPointer: HelperFn = (call) => {
  const at = checked(call, 1, 8);
  if (at < 0) return 0;
  const view = call.runtime.memory.view;
  call.set64(view.getInt32(at, true), view.getInt32(at + 4, true));
  return undefined;
};

function ringOf(call: HelperCall, n: number): RingBuffer {
  const map = call.runtime.mapOfPointer(call.lo[n], call.hi[n], call.pc);
  if (!(map instanceof RingBuffer)) {
    throw new VmError('helper-failed', `map ${map.name} is not a ring buffer`, call.pc);
  }
  return map;
}

/** The ring buffer holding the record at rn, for submit/discard. */
function ringOfRecord(call: HelperCall, n: number): { ring: RingBuffer; at: number } {
  const at = call.offset(n);
  for (const map of call.runtime.maps) {
    if (map instanceof RingBuffer && at >= map.data && at < map.data + map.size) return { ring: map, at };
  }
  throw new VmError(
    'helper-failed',
    `0x${call.u64(n).toString(16)} is not a ring buffer record`,
    call.pc,
    call.u64(n),
  );
}

const ringbufOutput: HelperFn = (call) => {
  const ring = ringOf(call, 1);
  const size = call.num(3);
  const data = size === 0 ? 0 : required(call, 2, size, 'data');
  return ring.output(call.runtime.memory.bytes.subarray(data, data + size));
};

const ringbufReserve: HelperFn = (call) => {
  const ring = ringOf(call, 1);
  if (call.num(3) !== 0) return 0;
  const size = call.num(2);
  return address(size > 0x3fffffff ? 0 : ring.reserve(size));
};

function ringbufCommit(discard: boolean): HelperFn {
  return (call) => {
    const { ring, at } = ringOfRecord(call, 1);
    if (!ring.submit(at, discard)) {
      throw new VmError('helper-failed', `record at 0x${call.u64(1).toString(16)} is not reserved`, call.pc);
    }
    return 0;
  };
}

type Entry = [HelperPrototype, HelperFn];

/** Linux's prototype for a Linux helper id (one table: linux-prototypes.ts). */
function linux(id: number): HelperPrototype {
  const proto = LINUX_HELPER_PROTOTYPES.get(id);
  if (!proto) throw new Error(`internal: no Linux prototype for helper ${id}`);
  return proto;
}

/** Prototypes and implementations of every standard helper. */
export function standardHelperEntries(): Entry[] {
  return [
    [linux(HELPER.map_lookup_elem), mapLookup],
    [linux(HELPER.map_update_elem), mapUpdate],
    [linux(HELPER.map_delete_elem), mapDelete],
    [linux(HELPER.probe_read), probeRead],
    [linux(HELPER.ktime_get_ns), (call) => call.runtime.clock()],
    [linux(HELPER.trace_printk), tracePrintk],
    [linux(HELPER.get_prandom_u32), (call) => call.runtime.random() >>> 0],
    [linux(HELPER.get_smp_processor_id), (call) => call.runtime.cpu],
    [linux(HELPER.probe_read_str), probeReadStr],
    [linux(HELPER.probe_read_user), probeRead],
    [linux(HELPER.probe_read_user_str), probeReadStr],
    [linux(HELPER.tail_call), tailCall],
    [linux(HELPER.get_current_pid_tgid), (call) => pair(call, call.runtime.task.tgid, call.runtime.task.pid)],
    [linux(HELPER.get_current_uid_gid), (call) => pair(call, call.runtime.task.gid, call.runtime.task.uid)],
    [linux(HELPER.get_current_comm), getCurrentComm],
    [linux(HELPER.perf_event_output), perfEventOutput],
    [linux(HELPER.get_stackid), getStackid],
    [linux(HELPER.get_numa_node_id), () => 0],
    [linux(HELPER.get_stack), getStack],
    [linux(HELPER.map_push_elem), mapPush],
    [linux(HELPER.map_pop_elem), mapTake(true)],
    [linux(HELPER.map_peek_elem), mapTake(false)],
    // A runtime runs one program at a time to completion: a lock is always free.
    [linux(HELPER.spin_lock), () => 0],
    [linux(HELPER.spin_unlock), () => 0],
    [linux(HELPER.ktime_get_boot_ns), (call) => call.runtime.clock()],
    [linux(HELPER.ktime_get_coarse_ns), (call) => call.runtime.clock()],
    [linux(HELPER.ktime_get_tai_ns), (call) => call.runtime.clock()],
    [linux(HELPER.probe_read_kernel), probeRead],
    [linux(HELPER.probe_read_kernel_str), probeReadStr],
    [linux(HELPER.ringbuf_output), ringbufOutput],
    [linux(HELPER.ringbuf_reserve), ringbufReserve],
    [linux(HELPER.ringbuf_submit), ringbufCommit(false)],
    [linux(HELPER.ringbuf_discard), ringbufCommit(true)],
    [
      { id: HELPER.memcmp, name: 'memcmp', args: ['anything', 'ptr_to_mem', 'const_size'], ret: 'integer' },
      memcmp,
    ],
    [{ id: HELPER.load_pointer, name: 'load_pointer', args: ['anything'], ret: 'integer' }, loadPointer],
    [
      {
        id: HELPER.memset,
        name: 'memset',
        args: ['ptr_to_uninit_mem', 'anything', 'const_size_or_zero'],
        ret: 'integer',
      },
      memset,
    ],
    [
      {
        id: HELPER.memcpy,
        name: 'memcpy',
        args: ['ptr_to_uninit_mem', 'ptr_to_mem', 'const_size_or_zero'],
        ret: 'integer',
      },
      memmove,
    ],
    [
      {
        id: HELPER.memmove,
        name: 'memmove',
        args: ['ptr_to_uninit_mem', 'ptr_to_mem', 'const_size_or_zero'],
        ret: 'integer',
      },
      memmove,
    ],
    [
      { id: HELPER.dump_stack, name: 'dump_stack', args: ['ptr_to_ctx'], ret: 'void' },
      (call) => {
        call.runtime.dumpStack();
        return 0;
      },
    ],
    [
      {
        id: HELPER.rfc_trace_printk,
        name: 'rfc_trace_printk',
        // Variadic: the values a format does not use may be uninitialised.
        args: ['ptr_to_stack_str', 'dontcare', 'dontcare', 'dontcare', 'dontcare'],
        ret: 'integer',
      },
      rfcTracePrintk,
    ],
    ...packetHelperEntries(),
  ];
}

/** A fresh registry holding every standard helper. */
export function standardHelpers(): HelperRegistry {
  const registry = new HelperRegistry();
  for (const [proto, fn] of standardHelperEntries()) registry.register(proto, fn);
  return registry;
}
