import { type EngineName, SKB, VmError } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compilers } from './compilers.test-util.js';
import { engineAvailability, ObjectError, openObject } from './index.js';
import { standardPackets, toHex } from './testing/index.js';

const ENGINES = (['interp', 'wasm', 'jit'] as EngineName[]).filter((e) => engineAvailability(e).ok);
const packets = Object.fromEntries(standardPackets().map((p) => [p.name, p.data]));

/** The Internet checksum over `bytes` folds to 0 when its checksum field is right. */
function checksumOk(bytes: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

describe.each(compilers('packets.c'))('packet programs built by $compiler', ({ bytes }) => {
  describe.each(ENGINES)('on %s', (engine) => {
    it('XDP: parses Ethernet/IPv4, counts protocols in a map, drops UDP to port 53', () => {
      using obj = openObject(bytes()).load({ programs: ['xdp_count'], engine });
      const prog = obj.program();
      expect(prog.packetKind).toBe('xdp');
      expect(prog.runPacket(packets['ipv4-udp-53']).retval).toBe(1);
      expect(prog.runPacket(packets['ipv4-udp-4789']).retval).toBe(2);
      expect(prog.runPacket(packets['ipv4-tcp-syn-80']).retval).toBe(2);
      expect(prog.runPacket(packets['ipv6-udp']).retval).toBe(2);
      expect(prog.run(packets['ipv4-icmp-echo'])).toBe(2n);
      expect(obj.map('protocols').get(17)).toBe(2n);
      expect(obj.map('protocols').get(6)).toBe(1n);
      expect(obj.map('protocols').get(1)).toBe(1n);
    });

    it('XDP: adjust_head and adjust_tail reshape the packet that data_out returns', () => {
      using obj = openObject(bytes()).load({ programs: ['xdp_reshape'], engine });
      const input = packets['ipv4-udp-53'];
      const r = obj.program().runPacket(input);
      expect(r.retval).toBe(3);
      expect(toHex(r.data)).toBe(`${toHex(input.subarray(14))}0800ffff`);
    });

    it('tc: store_bytes and l3_csum_replace rewrite the TTL and keep the checksum right; redirect is reported', () => {
      using obj = openObject(bytes()).load({ programs: ['tc_ttl'], engine });
      const input = packets['ipv4-udp-53'];
      const r = obj.program().runPacket(input, { ctx: { cb: [1000] } });
      expect(r.retval).toBe(7); // TC_ACT_REDIRECT
      expect(r.redirect).toEqual({ helper: 'redirect', ifindex: 4, flags: 0 });
      expect(r.data[22]).toBe(input[22] - 1);
      expect(checksumOk(r.data.subarray(14, 34))).toBe(true);
      const ctx = new DataView(r.ctx.buffer);
      expect(ctx.getUint32(SKB.mark, true)).toBe(input.length + 1000);
      // csum_diff of the two addresses 10.0.0.1, 10.0.0.2, seed 0: the sum of their memory
      // words (little-endian, as Linux's on x86-64) 0x0100000a + 0x0200000a, folded.
      expect(ctx.getUint32(SKB.cb + 4, true)).toBe(0x0314);
      expect(obj.program().runPacket(packets['ipv4-ttl-1']).retval).toBe(2);
    });

    it('tc: change_tail pads with zeros; len and data_end follow', () => {
      using obj = openObject(bytes()).load({ programs: ['tc_pad'], engine });
      const r = obj.program().runPacket(packets['ipv4-udp-53']);
      expect(r.retval).toBe(128);
      expect(r.data.length).toBe(128);
      expect(toHex(r.data.subarray(0, 50))).toBe(toHex(packets['ipv4-udp-53']));
    });
  });

  it('refuses to run a packet program that was not verified, and input the kernel would refuse', () => {
    using unverified = openObject(bytes()).load({ programs: ['xdp_count'], verify: false, engine: 'interp' });
    expect(() => unverified.program().runPacket(packets.arp)).toThrow(ObjectError);
    using obj = openObject(bytes()).load({ programs: ['tc_pad'], engine: 'interp' });
    expect(() => obj.program().runPacket(new Uint8Array(13))).toThrow(VmError);
    expect(() => obj.program().runPacket(packets.arp, { ctx: { len: 1 } })).toThrow(/no context field 'len'/);
  });
});
