import { assemble } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { VmError } from '../errors.js';
import { HELPER } from '../helpers/ids.js';
import { interpreter } from '../interp/interpreter.js';
import { loadInsns } from '../loader.js';
import { MAP_TYPE } from '../maps/create.js';
import type { ProgArray } from '../maps/prog-array.js';
import type { RedirectMap } from '../maps/redirect-map.js';
import { lddwMap, newRuntime } from '../testing/run.js';
import { csumFold, csumPartial } from './checksum.js';
import { convertCtxAccesses } from './convert.js';
import { createPacketContext } from './create.js';
import { type PacketKind, SKB, XDP_MD } from './layout.js';

const hex = (s: string) =>
  Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const toHex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** Ethernet (dst 00:..:00) + IPv4 (20 bytes, UDP, 10.0.0.1 → 10.0.0.2) + UDP 53 → 53 + 4 bytes. */
const UDP_PACKET = hex(
  '000000000000 020000000001 0800' +
    '4500 0020 0000 0000 4011 0000 0a000001 0a000002' +
    '0035 0035 000c 0000 deadbeef',
);

/**
 * Run `text` as a program of `type` on `data`; `ctxInsns` are the loads/stores through the
 * context (what the verifier reports), here every load/store whose base is r1 or r6.
 */
function run(text: string, type: string, data: Uint8Array, ctx?: Uint8Array) {
  const rt = newRuntime();
  const insns = assemble(text).insns;
  const viaCtx = insns.flatMap((x: Insn, i) =>
    (x.kind === 'ldx' && (x.src === 1 || x.src === 6)) ||
    ((x.kind === 'stx' || x.kind === 'st') && (x.dst === 1 || x.dst === 6))
      ? [i]
      : [],
  );
  const packet = createPacketContext(rt, type, data, ctx);
  if (!packet) throw new Error(`${type} is not a packet type`);
  const converted = convertCtxAccesses(insns, viaCtx, packet.kind as PacketKind);
  const prepared = interpreter.prepare(loadInsns(rt, converted.insns));
  try {
    return packet.run(prepared);
  } finally {
    prepared.dispose();
    packet.dispose();
  }
}

describe('packet contexts', () => {
  it('redirect_map: XDP_REDIRECT to an entry; without one the verdict in the flags; bad flags abort', () => {
    const rt = newRuntime();
    const devices = rt.createMap({
      name: 'devices',
      type: MAP_TYPE.devmap,
      keySize: 4,
      valueSize: 4,
      maxEntries: 8,
    }) as RedirectMap;
    devices.set(1, 7);
    const packet = createPacketContext(rt, 'xdp', UDP_PACKET);
    if (!packet) throw new Error('xdp is a packet type');
    const redirect = (key: number, flags: number) =>
      packet.run(
        interpreter.prepare(
          loadInsns(rt, [
            lddwMap(1, devices),
            ...assemble(`r2 = ${key}\nr3 = ${flags}\ncall 51\nexit`).insns,
          ]),
        ),
      );
    const hit = redirect(1, 0);
    expect(hit.retval).toBe(4);
    expect(hit.redirect).toEqual({ helper: 'redirect_map', ifindex: 7, flags: 0, map: 'devices', key: 1 });
    const miss = redirect(2, 2);
    expect(miss.retval).toBe(2); // XDP_PASS from the flags
    expect(miss.redirect).toBeUndefined();
    expect(redirect(2, 8).retval).toBe(4); // BPF_F_BROADCAST: no lookup
    expect(redirect(1, 0x20).retval).toBe(0); // an unknown flag: XDP_ABORTED
    packet.dispose();
  });

  it('a tail call continues on the same packet context; an empty slot falls through', () => {
    const rt = newRuntime();
    const jumps = rt.createMap({
      name: 'jumps',
      type: MAP_TYPE.prog_array,
      keySize: 4,
      valueSize: 4,
      maxEntries: 2,
    }) as ProgArray;
    const packet = createPacketContext(rt, 'sched_cls', UDP_PACKET);
    if (!packet) throw new Error('sched_cls is a packet type');
    const prepare = (text: string, before: Insn[] = []) => {
      const insns = [...before, ...assemble(text).insns];
      const viaCtx = insns.flatMap((x, i) => (x.kind === 'ldx' && x.src === 1 ? [i] : []));
      return interpreter.prepare(loadInsns(rt, convertCtxAccesses(insns, viaCtx, 'skb').insns));
    };
    // The target: data_end - data through the rewritten context loads.
    jumps.set(
      1,
      prepare(
        `r2 = *(u32 *)(r1 + ${SKB.data})\nr3 = *(u32 *)(r1 + ${SKB.data_end})\nr0 = r3\nr0 -= r2\nexit`,
      ),
    );
    const caller = (slot: number) =>
      prepare(`r3 = ${slot}\ncall ${HELPER.tail_call}\nr0 = 7\nexit`, [lddwMap(2, jumps)]);
    expect(packet.run(caller(1)).retval).toBe(UDP_PACKET.length);
    expect(packet.run(caller(0)).retval).toBe(7);
    packet.dispose();
  });

  it('gives a tc program 64-bit packet pointers: data_end - data is the packet length', () => {
    const r = run(
      `r2 = *(u32 *)(r1 + ${SKB.data})
       r3 = *(u32 *)(r1 + ${SKB.data_end})
       r0 = r3
       r0 -= r2
       exit`,
      'sched_cls',
      UDP_PACKET,
    );
    expect(r.retval).toBe(UDP_PACKET.length);
    expect(toHex(r.data)).toBe(toHex(UDP_PACKET));
  });

  it('reads the skb fields a test run sets: len, protocol (big-endian), pkt_type, ifindex', () => {
    const field = (off: number, size = 'u32') =>
      run(`r0 = *(${size} *)(r1 + ${off})\nexit`, 'socket_filter', UDP_PACKET).retval;
    expect(field(SKB.len)).toBe(UDP_PACKET.length - 14);
    expect(field(SKB.protocol)).toBe(0x0008);
    expect(field(SKB.protocol, 'u8')).toBe(0x08);
    expect(field(SKB.pkt_type)).toBe(0);
    expect(field(SKB.ifindex)).toBe(1);
  });

  it('zeroes the Ethernet header of a socket filter packet in data_out, as the kernel does', () => {
    const r = run('r0 = 0\nexit', 'socket_filter', UDP_PACKET);
    expect(toHex(r.data)).toBe(toHex(new Uint8Array(14)) + toHex(UDP_PACKET.subarray(14)));
  });

  it('stores tc_index as the u16 it is in the kernel, and writes mark to ctx_out', () => {
    const r = run(
      `r2 = 0x12345
       *(u32 *)(r1 + ${SKB.tc_index}) = r2
       *(u32 *)(r1 + ${SKB.mark}) = r2
       r0 = *(u32 *)(r1 + ${SKB.tc_index})
       exit`,
      'sched_cls',
      UDP_PACKET,
    );
    expect(r.retval).toBe(0x2345);
    expect(new DataView(r.ctx.buffer).getUint32(SKB.mark, true)).toBe(0x12345);
  });

  it('turns ld_abs into the kernel helper: big-endian loads, r0 = 0 outside the packet', () => {
    expect(run('r6 = r1\nr0 = *(u16 *)skb[2]\nexit', 'socket_filter', UDP_PACKET).retval).toBe(0x20);
    expect(run('r6 = r1\nr0 = *(u32 *)skb[16]\nexit', 'socket_filter', UDP_PACKET).retval).toBe(0x0a000002);
    expect(run('r6 = r1\nr0 = *(u8 *)skb[1000]\nr0 = 7\nexit', 'socket_filter', UDP_PACKET).retval).toBe(0);
    // SKF_LL_OFF: relative to the MAC header, which a socket filter's data is past.
    expect(run('r6 = r1\nr0 = *(u8 *)skb[-2097141]\nexit', 'socket_filter', UDP_PACKET).retval).toBe(1);
  });

  it('keeps jumps right across the longer ld_ind rewrite', () => {
    const r = run(
      `r6 = r1
       r7 = 9
       if r7 == 9 goto ok
       r0 = 1
       exit
       ok:
       r0 = *(u8 *)skb[r7]
       if r0 == 17 goto udp
       r0 = 2
       exit
       udp:
       r0 = 3
       exit`,
      'socket_filter',
      UDP_PACKET,
    );
    expect(r.retval).toBe(3);
  });

  it('runs XDP: adjust_head pops the Ethernet header, data_out starts at data', () => {
    const r = run(
      `r6 = r1
       r2 = 14
       call 44
       r1 = *(u32 *)(r6 + ${XDP_MD.data})
       r2 = *(u32 *)(r6 + ${XDP_MD.data_end})
       r0 = r2
       r0 -= r1
       exit`,
      'xdp',
      UDP_PACKET,
    );
    expect(r.retval).toBe(UDP_PACKET.length - 14);
    expect(toHex(r.data)).toBe(toHex(UDP_PACKET.subarray(14)));
  });

  it('refuses what BPF_PROG_TEST_RUN refuses, with the errno', () => {
    expect(() => run('r0 = 0\nexit', 'xdp', new Uint8Array(10))).toThrow(/EINVAL/);
    expect(() => run('r0 = 0\nexit', 'sched_cls', UDP_PACKET.subarray(0, 30))).toThrow(VmError);
    const ctx = new Uint8Array(192);
    ctx[SKB.len] = 1;
    expect(() => run('r0 = 0\nexit', 'sched_cls', UDP_PACKET, ctx)).toThrow(/__sk_buff byte 0/);
  });

  it('computes csum_diff and l3_csum_replace like the kernel (the IPv4 header checksum)', () => {
    // A valid IPv4 header checksum folds to 0.
    const ip = hex('4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7');
    expect(csumFold(csumPartial(ip, 0, ip.length, 0))).toBe(0);
  });
});
