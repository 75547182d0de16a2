/**
 * Packets to run packet programs on: well-formed frames of the protocols programs parse
 * (Ethernet, 802.1Q/802.1ad, ARP, IPv4 with and without options, fragments, IPv6, UDP, TCP,
 * ICMP, ICMPv6), truncated and malformed ones, and random bytes — from a seed, so a run can
 * be repeated.
 */
import { xorshift32 } from '@tbpf/vm';

export interface TestPacket {
  name: string;
  data: Uint8Array;
}

const MAC_A = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const MAC_B = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

const be16 = (x: number) => [(x >>> 8) & 0xff, x & 0xff];
const be32 = (x: number) => [x >>> 24, (x >>> 16) & 0xff, (x >>> 8) & 0xff, x & 0xff];

/** The Internet checksum of `bytes` (network order), as a 16-bit number. */
function inetChecksum(bytes: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ethernet(type: number, payload: readonly number[], dst = MAC_B): number[] {
  return [...dst, ...MAC_A, ...be16(type), ...payload];
}

interface Ip4Options {
  proto: number;
  payload: readonly number[];
  src?: number;
  dst?: number;
  ttl?: number;
  options?: readonly number[];
  fragment?: number;
}

function ipv4(o: Ip4Options): number[] {
  const options = o.options ?? [];
  const ihl = 5 + options.length / 4;
  const header = [
    0x40 | ihl,
    0,
    ...be16(ihl * 4 + o.payload.length),
    ...be16(0x1234),
    ...be16(o.fragment ?? 0x4000),
    o.ttl ?? 64,
    o.proto,
    0,
    0,
    ...be32(o.src ?? 0x0a000001),
    ...be32(o.dst ?? 0x0a000002),
    ...options,
  ];
  const sum = inetChecksum(header);
  header[10] = sum >>> 8;
  header[11] = sum & 0xff;
  return [...header, ...o.payload];
}

function ipv6(next: number, payload: readonly number[]): number[] {
  const addr = (last: number) => [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), last];
  return [0x60, 0, 0, 0, ...be16(payload.length), next, 64, ...addr(1), ...addr(2), ...payload];
}

const udp = (sport: number, dport: number, body: readonly number[]) => [
  ...be16(sport),
  ...be16(dport),
  ...be16(8 + body.length),
  0,
  0,
  ...body,
];

const tcp = (sport: number, dport: number, flags: number) => [
  ...be16(sport),
  ...be16(dport),
  ...be32(1000),
  ...be32(0),
  0x50,
  flags,
  ...be16(0xffff),
  0,
  0,
  0,
  0,
];

function icmpEcho(type: number): number[] {
  const msg = [type, 0, 0, 0, ...be16(0x42), ...be16(1), 0x61, 0x62, 0x63, 0x64];
  const sum = inetChecksum(msg);
  msg[2] = sum >>> 8;
  msg[3] = sum & 0xff;
  return msg;
}

const PAYLOAD = [0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04];

/** The fixed packets: one of each protocol and shape programs commonly handle. */
export function standardPackets(): TestPacket[] {
  const p = (name: string, bytes: number[]): TestPacket => ({ name, data: Uint8Array.from(bytes) });
  const udp4 = (dport: number) => ethernet(0x0800, ipv4({ proto: 17, payload: udp(4000, dport, PAYLOAD) }));
  return [
    p('ipv4-udp-53', udp4(53)),
    p('ipv4-udp-4789', udp4(4789)),
    p('ipv4-tcp-syn-80', ethernet(0x0800, ipv4({ proto: 6, payload: tcp(40000, 80, 0x02) }))),
    p('ipv4-tcp-ack-22', ethernet(0x0800, ipv4({ proto: 6, payload: tcp(22, 50000, 0x10) }))),
    p('ipv4-icmp-echo', ethernet(0x0800, ipv4({ proto: 1, payload: icmpEcho(8) }))),
    p('ipv4-icmp-reply', ethernet(0x0800, ipv4({ proto: 1, payload: icmpEcho(0) }))),
    p('ipv4-ttl-1', ethernet(0x0800, ipv4({ proto: 17, ttl: 1, payload: udp(1, 2, PAYLOAD) }))),
    p(
      'ipv4-options',
      ethernet(0x0800, ipv4({ proto: 17, options: [1, 1, 1, 0], payload: udp(5, 6, PAYLOAD) })),
    ),
    p('ipv4-fragment', ethernet(0x0800, ipv4({ proto: 17, fragment: 0x2000 | 10, payload: PAYLOAD }))),
    p('ipv4-gre', ethernet(0x0800, ipv4({ proto: 47, payload: [0, 0, 0x08, 0x00, ...PAYLOAD] }))),
    p('ipv6-udp', ethernet(0x86dd, ipv6(17, udp(4000, 53, PAYLOAD)))),
    p('ipv6-tcp', ethernet(0x86dd, ipv6(6, tcp(40000, 443, 0x02)))),
    p('ipv6-icmpv6-echo', ethernet(0x86dd, ipv6(58, [128, 0, 0, 0, 0, 1, 0, 1, ...PAYLOAD]))),
    p(
      'vlan-ipv4-udp',
      ethernet(0x8100, [
        ...be16(0x0064),
        ...be16(0x0800),
        ...ipv4({ proto: 17, payload: udp(1, 53, PAYLOAD) }),
      ]),
    ),
    p(
      'qinq-ipv4-udp',
      ethernet(0x88a8, [
        ...be16(0x00c8),
        ...be16(0x8100),
        ...be16(0x0064),
        ...be16(0x0800),
        ...ipv4({ proto: 17, payload: udp(1, 53, PAYLOAD) }),
      ]),
    ),
    p('vlan-ipv6-tcp', ethernet(0x8100, [...be16(0x0005), ...be16(0x86dd), ...ipv6(6, tcp(1, 2, 0x12))])),
    p(
      'arp',
      ethernet(0x0806, [
        0,
        1,
        8,
        0,
        6,
        4,
        0,
        1,
        ...MAC_A,
        ...be32(0x0a000001),
        0,
        0,
        0,
        0,
        0,
        0,
        ...be32(0x0a000002),
      ]),
    ),
    p(
      'broadcast-arp',
      ethernet(
        0x0806,
        [0, 1, 8, 0, 6, 4, 0, 1, ...MAC_A, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      ),
    ),
    p(
      'multicast-udp',
      ethernet(
        0x0800,
        ipv4({ proto: 17, dst: 0xe0000001, payload: udp(1, 2, PAYLOAD) }),
        [0x01, 0x00, 0x5e, 0, 0, 1],
      ),
    ),
    p('ethernet-only', ethernet(0x0800, [])),
    p('ipv4-truncated-udp', ethernet(0x0800, ipv4({ proto: 17, payload: [0x0f, 0xa0] }))),
    p('llc-802.3', ethernet(0x0040, [0xaa, 0xaa, 0x03, ...PAYLOAD])),
    p(
      'ipv4-jumbo-udp',
      ethernet(0x0800, ipv4({ proto: 17, payload: udp(9, 9, new Array(1400).fill(0x5a)) })),
    ),
  ];
}

/** `count` packets of random bytes and lengths (14 to 200 bytes), some with real EtherTypes. */
export function randomPackets(seed: number, count: number): TestPacket[] {
  const rand = xorshift32(seed);
  const types = [0x0800, 0x86dd, 0x8100, 0x0806];
  return Array.from({ length: count }, (_, i) => {
    const len = 14 + (rand() % 187);
    const data = Uint8Array.from({ length: len }, () => rand() & 0xff);
    if (i % 2 === 0) {
      const t = types[rand() % types.length];
      data[12] = t >>> 8;
      data[13] = t & 0xff;
      if (t === 0x0800 && len > 14) data[14] = 0x45;
    }
    return { name: `random-${seed}-${i}`, data };
  });
}
