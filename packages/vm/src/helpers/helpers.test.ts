import { describe, expect, it } from 'vitest';
import { E2BIG, EEXIST, EFAULT, EINVAL, ENOENT, ENOSPC, EOPNOTSUPP, VmError } from '../errors.js';
import { MAP_TYPE } from '../maps/create.js';
import { BPF_EXIST, BPF_NOEXIST } from '../maps/layout.js';
import { PERF_SLOT_RECORDS, type PerfEventArray } from '../maps/perf-event-array.js';
import type { QueueStackMap } from '../maps/queue-stack.js';
import type { RingBuffer } from '../maps/ringbuf.js';
import type { StackTraceMap } from '../maps/stack-trace.js';
import { addressOf } from '../memory.js';
import { lddwMap, newRuntime, program, runOn } from '../testing/run.js';
import { HELPER } from './ids.js';
import { formatPrintk } from './printk.js';

const neg = (n: number) => BigInt.asUintN(64, BigInt(-n));
const arg = (v: bigint) => ({ lo: Number(BigInt.asIntN(32, v)), hi: Number(BigInt.asIntN(32, v >> 32n)) });

/** Store `text` + NUL at [r10-off], 4 bytes at a time; leaves r1 = the string's address. */
function stackString(text: string, off: number): string {
  const bytes = new TextEncoder().encode(text);
  const padded = new Uint8Array(Math.ceil((bytes.length + 1) / 4) * 4);
  padded.set(bytes);
  const lines: string[] = [];
  for (let i = 0; i < padded.length; i += 4) {
    const w = new DataView(padded.buffer).getUint32(i, true);
    lines.push(`stw [%r10-${off - i}], 0x${w.toString(16)}`);
  }
  lines.push('mov %r1, %r10', `add %r1, -${off}`);
  return lines.join('\n');
}

describe('trace_printk formatting', () => {
  const none = () => undefined;
  it('formats the kernel subset with 32- and 64-bit conversions', () => {
    const args = [arg(-5n), arg(0xfffffffffn), arg(0x1_0000_1000n)];
    expect(formatPrintk('%d %u %x', args, 3, none)).toEqual({ ok: true, text: '-5 4294967295 1000' });
    expect(formatPrintk('%ld %lu %lx', args, 3, none)).toEqual({
      ok: true,
      text: '-5 68719476735 100001000',
    });
    expect(formatPrintk('%lld|%llu|%llx', args, 3, none)).toEqual({
      ok: true,
      text: '-5|68719476735|100001000',
    });
    expect(formatPrintk('%i %p %% done', args, 3, none)).toEqual({ ok: true, text: '-5 0xfffffffff % done' });
    expect(formatPrintk('[%s]', [arg(1n)], 3, () => 'eth5')).toEqual({ ok: true, text: '[eth5]' });
    expect(formatPrintk('[%s]', [arg(1n)], 3, none)).toEqual({ ok: true, text: '[]' });
  });

  it('rejects other conversions and more than three arguments', () => {
    expect(formatPrintk('%c', [], 3, none).ok).toBe(false);
    expect(formatPrintk('%5d', [], 3, none).ok).toBe(false);
    expect(formatPrintk('%lp', [], 3, none).ok).toBe(false);
    expect(formatPrintk('%d %d %d %d', [], 3, none)).toEqual({
      ok: false,
      reason: 'more than 3 conversions',
    });
  });
});

describe('trace_printk helpers in programs', () => {
  it('bpf_trace_printk(fmt, size, a1, a2, a3) prints one line and returns its length', () => {
    const lines: string[] = [];
    const rt = newRuntime({ printk: (l) => lines.push(l) });
    const fmt = 'x=%d y=%llx s=%s\n';
    const src = [
      stackString('eth5', 64),
      'mov %r5, %r1',
      stackString(fmt, 32),
      `mov %r2, ${fmt.length + 1}`,
      'mov %r3, -7',
      'lddw %r4, 0x1234567890',
      `call ${HELPER.trace_printk}`,
      'exit',
    ].join('\n');
    expect(runOn(rt, program(src))).toBe(BigInt('x=-7 y=1234567890 s=eth5\n'.length));
    expect(lines).toEqual(['x=-7 y=1234567890 s=eth5']);
  });

  it('returns -EINVAL for a format that is not NUL-terminated or not supported', () => {
    const rt = newRuntime();
    const src = (text: string, size: number) =>
      [stackString(text, 32), `mov %r2, ${size}`, `call ${HELPER.trace_printk}`, 'exit'].join('\n');
    expect(runOn(rt, program(src('abc', 3)))).toBe(neg(EINVAL));
    expect(runOn(rt, program(src('%c', 3)))).toBe(neg(EINVAL));
    expect(rt.printkLog).toEqual([]);
  });

  it('the RFC form (fmt, a1, a2, a3, a4) takes four arguments and a NUL-terminated format', () => {
    const rt = newRuntime();
    const src = [
      stackString('skb %p dev %p %d %u', 32),
      'mov %r2, 1',
      'mov %r3, 2',
      'mov %r4, -3',
      'mov %r5, 4',
      `call ${HELPER.rfc_trace_printk}`,
      'exit',
    ].join('\n');
    runOn(rt, program(src));
    expect(rt.printkLog).toEqual(['skb 0x1 dev 0x2 -3 4']);
  });
});

describe('probe reads', () => {
  const rt = newRuntime();
  const data = rt.allocData(new TextEncoder().encode('abcdefgh\0zz'), 'host', 'host', false);
  const base = addressOf(data.start);
  // probe_read(r10-16, 8, from) → r0; then r0 = r0 + first 8 bytes read (as u64) when 0.
  const read = (id: number, size: number, from: bigint) =>
    program(
      [
        'stdw [%r10-16], -1',
        `lddw %r3, 0x${from.toString(16)}`,
        'mov %r1, %r10',
        'add %r1, -16',
        `mov %r2, ${size}`,
        `call ${id}`,
        'jne %r0, 0, out',
        'ldxdw %r0, [%r10-16]',
        'out:',
        'stxdw [%r10-8], %r0',
        'ldxdw %r6, [%r10-16]',
        'jne %r6, 0, keep',
        'mov %r0, 0x7777', // the destination was zero-filled
        'keep:',
        'exit',
      ].join('\n'),
    );

  it('copies readable memory', () => {
    expect(runOn(rt, read(HELPER.probe_read, 8, base))).toBe(0x6867666564636261n);
    expect(runOn(rt, read(HELPER.probe_read_kernel, 8, base))).toBe(0x6867666564636261n);
  });

  it('returns -EFAULT outside any region and zero-fills the destination', () => {
    for (const bad of [0n, 8n, base - 4n, base + 8n, 0xffff_ffff_ffff_fff0n, addressOf(100)]) {
      expect(runOn(rt, read(HELPER.probe_read, 8, bad))).toBe(0x7777n);
    }
  });

  it('probe_read_str copies up to the NUL, truncates to size, -EFAULT when the string runs out of its region', () => {
    const str = (size: number, at: bigint) =>
      runOn(
        rt,
        program(
          [
            `lddw %r3, 0x${at.toString(16)}`,
            'mov %r1, %r10',
            'add %r1, -16',
            `mov %r2, ${size}`,
            `call ${HELPER.probe_read_str}`,
            'ldxdw %r1, [%r10-16]',
            'lsh %r0, 56',
            'or %r0, %r1',
            'exit',
          ].join('\n'),
        ),
      );
    expect(str(16, base)).toBe((9n << 56n) | 0x6867666564636261n);
    expect(str(4, base)).toBe((4n << 56n) | 0x636261n);
    expect(str(16, base + 9n)).toBe((neg(EFAULT) << 56n) & ((1n << 64n) - 1n));
  });
});

describe('RFC helpers', () => {
  const rt = newRuntime();
  const dev = rt.allocData(new TextEncoder().encode('eth5\0'), 'dev', 'host', false);
  const ptr = rt.allocData(
    new Uint8Array(new BigUint64Array([addressOf(dev.start)]).buffer),
    'ptr',
    'host',
    false,
  );
  const memcmp = (size: number, name: string) =>
    runOn(
      rt,
      program(
        [
          'mov %r6, %r1',
          stackString(name, 16),
          'mov %r2, %r1',
          'mov %r1, %r6',
          `mov %r3, ${size}`,
          `call ${HELPER.memcmp}`,
          'exit',
        ].join('\n'),
      ),
      dev.start,
    );

  it('bpf_memcmp compares an unsafe pointer with a stack buffer', () => {
    expect(memcmp(4, 'eth5')).toBe(0n);
    expect(memcmp(4, 'eth6')).toBe(neg(1)); // '5' - '6'
    expect(memcmp(4, 'eth4')).toBe(1n);
    expect(memcmp(64, 'eth5')).toBe(neg(1));
  });

  it('bpf_memcmp returns -EFAULT for an unreadable pointer', () => {
    const src = [
      stackString('eth5', 16),
      'mov %r2, %r1',
      'mov %r1, 0',
      'mov %r3, 4',
      `call ${HELPER.memcmp}`,
      'exit',
    ];
    expect(runOn(rt, program(src.join('\n')))).toBe(neg(EFAULT));
  });

  it('bpf_load_pointer reads 8 bytes, 0 on a fault', () => {
    const load = (at: bigint) =>
      runOn(rt, program(`lddw %r1, 0x${at.toString(16)}\ncall ${HELPER.load_pointer}\nexit`));
    expect(load(addressOf(ptr.start))).toBe(addressOf(dev.start));
    expect(load(0n)).toBe(0n);
    expect(load(addressOf(dev.start))).toBe(0n); // only 5 bytes in that region
  });
});

describe('map helpers', () => {
  it('lookup/update/delete a hash map from a program', () => {
    const rt = newRuntime();
    const map = rt.createMap({
      name: 'counts',
      type: MAP_TYPE.hash,
      keySize: 4,
      valueSize: 8,
      maxEntries: 4,
    });
    // key = 7; if lookup fails insert 1, else increment in place; return the value.
    const src = [
      'stw [%r10-4], 7',
      'mov %r2, %r10',
      'add %r2, -4',
      `call ${HELPER.map_lookup_elem}`,
      'jeq %r0, 0, insert',
      'ldxdw %r1, [%r0+0]',
      'add %r1, 1',
      'stxdw [%r0+0], %r1',
      'mov %r0, %r1',
      'exit',
      'insert:',
      'stdw [%r10-16], 1',
      'mov %r2, %r10',
      'add %r2, -4',
      'mov %r3, %r10',
      'add %r3, -16',
      'mov %r4, 1', // BPF_NOEXIST
      'mov %r1, %r6',
      `call ${HELPER.map_update_elem}`,
      'exit',
    ].join('\n');
    const insns = program(src, [
      lddwMap(1, map),
      { kind: 'alu', width: 64, op: 'mov', source: 'reg', dst: 6, src: 1, imm: 0 },
    ]);
    expect(runOn(rt, insns)).toBe(0n);
    expect(runOn(rt, insns)).toBe(2n);
    expect(runOn(rt, insns)).toBe(3n);
    expect(map.lookup(Uint8Array.of(7, 0, 0, 0))).toEqual(Uint8Array.of(3, 0, 0, 0, 0, 0, 0, 0));
    const del = program(
      ['stw [%r10-4], 7', 'mov %r2, %r10', 'add %r2, -4', `call ${HELPER.map_delete_elem}`, 'exit'].join(
        '\n',
      ),
      [lddwMap(1, map)],
    );
    expect(runOn(rt, del)).toBe(0n);
    expect(runOn(rt, del)).toBe(neg(2));
  });

  it('a bad key pointer or map pointer stops the program with a VmError naming the pc', () => {
    const rt = newRuntime();
    const map = rt.createMap({ name: 'a', type: MAP_TYPE.array, keySize: 4, valueSize: 4, maxEntries: 1 });
    const badKey = program(`mov %r2, 0\ncall ${HELPER.map_lookup_elem}\nexit`, [lddwMap(1, map)]);
    expect(() => runOn(rt, badKey)).toThrow(VmError);
    try {
      runOn(rt, badKey);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'out-of-bounds', pc: 2, size: 4 });
    }
    expect(() => runOn(rt, program(`mov %r1, 5\ncall ${HELPER.map_lookup_elem}\nexit`))).toThrow(
      /pc 1: 0x5 is not a map pointer/,
    );
  });
});

describe('ring buffer helpers', () => {
  it('reserve + submit / discard / output, seen by the consumer', () => {
    const rt = newRuntime();
    const rb = rt.createMap({
      name: 'events',
      type: MAP_TYPE.ringbuf,
      keySize: 0,
      valueSize: 0,
      maxEntries: 4096,
    }) as RingBuffer;
    const src = [
      'mov %r1, %r6',
      'mov %r2, 8',
      'mov %r3, 0',
      `call ${HELPER.ringbuf_reserve}`,
      'jeq %r0, 0, out',
      'stdw [%r0+0], 0x1234',
      'mov %r1, %r0',
      'mov %r2, 0',
      `call ${HELPER.ringbuf_submit}`,
      'mov %r1, %r6',
      'mov %r2, 16',
      'mov %r3, 0',
      `call ${HELPER.ringbuf_reserve}`,
      'mov %r1, %r0',
      'mov %r2, 0',
      `call ${HELPER.ringbuf_discard}`,
      'stw [%r10-4], 0xabcdef',
      'mov %r1, %r6',
      'mov %r2, %r10',
      'add %r2, -4',
      'mov %r3, 4',
      'mov %r4, 0',
      `call ${HELPER.ringbuf_output}`,
      'out:',
      'exit',
    ].join('\n');
    const insns = program(src, [lddwMap(6, rb)]);
    expect(runOn(rt, insns)).toBe(0n);
    expect(rb.drain().map((r) => [...r])).toEqual([
      [0x34, 0x12, 0, 0, 0, 0, 0, 0],
      [0xef, 0xcd, 0xab, 0],
    ]);
    const tooBig = program(`mov %r1, %r6\nmov %r2, 5000\nmov %r3, 0\ncall ${HELPER.ringbuf_reserve}\nexit`, [
      lddwMap(6, rb),
    ]);
    expect(runOn(rt, tooBig)).toBe(0n);
  });
});

describe('the registry', () => {
  it('lets hosts add helpers with any id and reports unknown ones at the call', () => {
    const rt = newRuntime({ seed: 7, clock: () => 123_456_789_012, cpu: 0 });
    rt.helpers.register(
      { id: 123_456, name: 'double', args: ['scalar'], ret: 'integer' },
      (call) => call.num(1) * 2,
    );
    expect(runOn(rt, program('mov %r1, 21\ncall 123456\nexit'))).toBe(42n);
    expect(runOn(rt, program(`call ${HELPER.ktime_get_ns}\nexit`))).toBe(123_456_789_012n);
    expect(runOn(rt, program(`call ${HELPER.get_smp_processor_id}\nexit`))).toBe(0n);
    const a = runOn(rt, program(`call ${HELPER.get_prandom_u32}\nexit`));
    const b = runOn(newRuntime({ seed: 7 }), program(`call ${HELPER.get_prandom_u32}\nexit`));
    expect(a).toBe(b);
    expect(a < 1n << 32n).toBe(true);
    expect(() => runOn(rt, program('mov %r0, 1\ncall 999999\nexit'))).toThrow(
      /^pc 1: no helper with id 999999$/,
    );
    expect(rt.helpers.prototype(HELPER.map_lookup_elem)).toMatchObject({
      args: ['const_map_ptr', 'ptr_to_map_key'],
      ret: 'map_value_or_null',
    });
  });
});

describe("memset / memcpy / memmove builtins (what the linker makes of old compilers' calls)", () => {
  it('fill and copy stack bytes, overlapping copies as memmove', () => {
    const rt = newRuntime();
    const insns = program(`
      mov %r1, %r10
      add %r1, -16
      mov %r2, 0x41
      mov %r3, 8
      call ${HELPER.memset}
      lddw %r4, 0x0102030405060708
      stxdw [%r10-8], %r4
      mov %r1, %r10
      add %r1, -16
      mov %r2, %r10
      add %r2, -8
      mov %r3, 4
      call ${HELPER.memcpy}
      mov %r1, %r10
      add %r1, -15
      mov %r2, %r10
      add %r2, -16
      mov %r3, 4
      call ${HELPER.memmove}
      ldxdw %r0, [%r10-16]
      exit`);
    // memset: 41 x8; memcpy: 08 07 06 05 41 41 41 41; memmove(-15 <- -16, 4): 08 08 07 06 05 41 41 41
    expect(runOn(rt, insns)).toBe(0x4141410506070808n);
  });

  it('a bad destination is a fault of the program', () => {
    const rt = newRuntime();
    const insns = program(`mov %r1, 64\nmov %r2, 0\nmov %r3, 8\ncall ${HELPER.memset}\nexit`);
    expect(() => runOn(rt, insns)).toThrow(VmError);
  });
});

describe('the current task (get_current_pid_tgid / _uid_gid / _comm)', () => {
  it("reports the runtime's task, tgid and gid in the upper halves", () => {
    const rt = newRuntime({ task: { pid: 7, tgid: 5, uid: 1000, gid: 100, comm: 'worker-name-longer' } });
    expect(runOn(rt, program(`call ${HELPER.get_current_pid_tgid}\nexit`))).toBe((5n << 32n) | 7n);
    expect(runOn(rt, program(`call ${HELPER.get_current_uid_gid}\nexit`))).toBe((100n << 32n) | 1000n);
    const comm = program(`
      mov %r1, %r10
      add %r1, -8
      mov %r2, 8
      call ${HELPER.get_current_comm}
      ldxdw %r0, [%r10-8]
      exit`);
    // 7 bytes of the name and a NUL: "worker-" little-endian.
    expect(runOn(rt, comm)).toBe(0x002d72656b726f77n);
  });

  it('is nobody by default, and the clocks agree', () => {
    const rt = newRuntime({ clock: () => 1234 });
    expect(runOn(rt, program(`call ${HELPER.get_current_pid_tgid}\nexit`))).toBe(0n);
    for (const id of [HELPER.ktime_get_boot_ns, HELPER.ktime_get_coarse_ns, HELPER.ktime_get_tai_ns])
      expect(runOn(rt, program(`call ${id}\nexit`))).toBe(1234n);
  });
});

describe('perf_event_output into a perf event array', () => {
  const perfArray = (rt: ReturnType<typeof newRuntime>, maxEntries: number) =>
    rt.createMap({
      name: 'events',
      type: MAP_TYPE.perf_event_array,
      keySize: 4,
      valueSize: 4,
      maxEntries,
    }) as PerfEventArray;
  /** Output the 8 bytes `value` from fp-8 with `flags`. */
  const output = (events: PerfEventArray, flags: string, value = '1') =>
    program(
      `
      stdw [%r10-8], ${value}
      mov %r1, 0
      lddw %r3, ${flags}
      mov %r4, %r10
      add %r4, -8
      mov %r5, 8
      call ${HELPER.perf_event_output}
      exit`,
      [lddwMap(2, events)],
    );

  it("appends a copy of the record to the slot the flags name (BPF_F_CURRENT_CPU: the runtime's)", () => {
    const rt = newRuntime({ cpu: 2 });
    const events = perfArray(rt, 0);
    expect(runOn(rt, output(events, '0xffffffff', '0x1234'))).toBe(0n);
    expect(events.take()).toEqual([{ index: 2, data: Uint8Array.of(0x34, 0x12, 0, 0, 0, 0, 0, 0) }]);
    expect(events.take()).toEqual([]);
  });

  it('refuses a slot past max_entries (-E2BIG), flags beyond the index (-EINVAL) and a full slot (-ENOSPC)', () => {
    const rt = newRuntime();
    const events = perfArray(rt, 2);
    expect(runOn(rt, output(events, '2'))).toBe(neg(E2BIG));
    expect(runOn(rt, output(events, '0x100000000'))).toBe(neg(EINVAL));
    const toSlot1 = output(events, '1');
    for (let i = 0; i < PERF_SLOT_RECORDS; i++) expect(runOn(rt, toSlot1)).toBe(0n);
    expect(runOn(rt, toSlot1)).toBe(neg(ENOSPC));
    expect(events.lost).toBe(1);
    expect(events.take()).toHaveLength(PERF_SLOT_RECORDS);
  });
});

describe('queues and stacks (map_push_elem / map_pop_elem / map_peek_elem)', () => {
  const ops = (rt: ReturnType<typeof newRuntime>, map: QueueStackMap) => {
    const push = (v: number, flags = 0) =>
      runOn(
        rt,
        program(
          `stdw [%r10-8], ${v}\nmov %r2, %r10\nadd %r2, -8\nmov %r3, ${flags}\ncall ${HELPER.map_push_elem}\nexit`,
          [lddwMap(1, map)],
        ),
      );
    // r0 = the value taken, or the helper's negative errno.
    const take = (id: number) =>
      runOn(
        rt,
        program(`mov %r2, %r10\nadd %r2, -8\ncall ${id}\njslt %r0, 0, +1\nldxdw %r0, [%r10-8]\nexit`, [
          lddwMap(1, map),
        ]),
      );
    return { push, pop: () => take(HELPER.map_pop_elem), peek: () => take(HELPER.map_peek_elem) };
  };
  const create = (rt: ReturnType<typeof newRuntime>, type: number) =>
    rt.createMap({ name: 'q', type, keySize: 0, valueSize: 8, maxEntries: 2 }) as QueueStackMap;

  it('a queue gives values oldest first; full: -E2BIG, or BPF_EXIST drops the oldest; empty: -ENOENT', () => {
    const rt = newRuntime();
    const { push, pop, peek } = ops(rt, create(rt, MAP_TYPE.queue));
    expect([push(1), push(2), push(3)]).toEqual([0n, 0n, neg(E2BIG)]);
    expect(push(3, BPF_EXIST)).toBe(0n);
    expect([peek(), pop(), pop(), pop()]).toEqual([2n, 2n, 3n, neg(ENOENT)]);
    expect(push(1, BPF_NOEXIST)).toBe(neg(EINVAL));
  });

  it('a stack gives the newest first', () => {
    const rt = newRuntime();
    const stack = create(rt, MAP_TYPE.stack);
    const { push, pop, peek } = ops(rt, stack);
    expect([push(1), push(2)]).toEqual([0n, 0n]);
    expect([peek(), pop(), stack.size, pop(), peek()]).toEqual([2n, 2n, 1, 1n, neg(ENOENT)]);
  });

  it('refuses a key and sizes past the linear memory', () => {
    const rt = newRuntime();
    expect(() =>
      rt.createMap({ name: 'k', type: MAP_TYPE.queue, keySize: 4, valueSize: 8, maxEntries: 2 }),
    ).toThrow(/key_size 0/);
    expect(() =>
      rt.createMap({ name: 'big', type: MAP_TYPE.stack, keySize: 0, valueSize: 4096, maxEntries: 1 << 20 }),
    ).toThrow(/linear memory holds/);
  });
});

describe("call chains (get_stack / get_stackid) from the runtime's `stack` hook", () => {
  const KERNEL = [0xffffffff81000010n, 0xffffffff81000020n, 0xffffffff81000030n];
  const USER = [0x401000n];
  const hooked = () => newRuntime({ stack: (user) => (user ? USER : KERNEL) });
  /** get_stack into fp-32 with `flags`; r0 = its result, or with `read` the 8 bytes at fp-32+read.at. */
  const getStack = (rt: ReturnType<typeof newRuntime>, flags: number, size = 32, read?: { at: number }) =>
    runOn(
      rt,
      program(
        `mov %r2, %r10\nadd %r2, -32\nmov %r3, ${size}\nmov %r4, ${flags}\ncall ${HELPER.get_stack}\n` +
          (read ? `ldxdw %r0, [%r10${read.at - 32}]\n` : '') +
          'exit',
      ),
    );

  it('get_stack writes the frames (skipping the asked number), zeroes the rest and returns the bytes', () => {
    expect(getStack(hooked(), 0)).toBe(24n);
    expect(getStack(hooked(), 1)).toBe(16n);
    expect(getStack(hooked(), 1 << 8)).toBe(8n); // BPF_F_USER_STACK
    expect(getStack(hooked(), 0, 16)).toBe(16n); // as many frames as fit
    expect(getStack(hooked(), 1, 32, { at: 0 })).toBe(KERNEL[1]);
    expect(getStack(hooked(), 1, 32, { at: 16 })).toBe(0n); // zeroed past the frames
    expect(getStack(newRuntime(), 0)).toBe(0n); // no hook: no frames
    expect(getStack(hooked(), 0, 12)).toBe(neg(EINVAL)); // not whole frames
    expect(getStack(hooked(), 1 << 11)).toBe(neg(EINVAL)); // kernel build ids do not exist
    expect(getStack(hooked(), (1 << 11) | (1 << 8))).toBe(neg(EOPNOTSUPP)); // tbpf has no build ids
  });

  it('get_stackid stores a chain once and names it by id; another chain in its bucket is -EEXIST unless reused', () => {
    let frames = KERNEL;
    const rt = newRuntime({ stack: () => frames });
    const map = rt.createMap({
      name: 'stacks',
      type: MAP_TYPE.stack_trace,
      keySize: 4,
      valueSize: 16,
      maxEntries: 1,
    });
    const stackid = (flags: number) =>
      runOn(rt, program(`mov %r3, ${flags}\ncall ${HELPER.get_stackid}\nexit`, [lddwMap(2, map)]));
    expect(stackid(0)).toBe(0n);
    expect(stackid(0)).toBe(0n);
    expect((map as StackTraceMap).stack(0)).toEqual(KERNEL.slice(0, 2)); // depth 2 (value_size 16)
    frames = USER;
    expect(stackid(0)).toBe(neg(EEXIST)); // one bucket: taken by another chain
    expect(stackid(1 << 10)).toBe(0n); // BPF_F_REUSE_STACKID
    expect((map as StackTraceMap).stack(0)).toEqual(USER);
    expect(stackid(1)).toBe(neg(EFAULT)); // nothing left after skipping
    expect(() =>
      rt.createMap({ name: 'odd', type: MAP_TYPE.stack_trace, keySize: 4, valueSize: 12, maxEntries: 1 }),
    ).toThrow(/8 bytes per frame/);
  });
});
