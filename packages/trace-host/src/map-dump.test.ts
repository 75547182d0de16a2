import { describe, expect, it } from 'vitest';
import { bucketLabel, formatLog2Histogram, formatMap, log2Bucket } from './map-dump.js';

const u32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);
const u64 = (n: number) => new Uint8Array(new BigUint64Array([BigInt(n)]).buffer);

describe('map dumps, bpftrace style', () => {
  it('prints @name[key]: value sorted by value, with string keys', () => {
    const map = {
      name: 'pkts',
      keySize: 4,
      valueSize: 8,
      entries: (): [Uint8Array, Uint8Array][] => [
        [u32(7), u64(30)],
        [u32(1), u64(5)],
        [u32(3), u64(12)],
      ],
    };
    expect(formatMap(map)).toBe('@pkts[1]: 5\n@pkts[3]: 12\n@pkts[7]: 30\n');
    const named = {
      ...map,
      keySize: 16,
      entries: (): [Uint8Array, Uint8Array][] => [
        [new TextEncoder().encode('eth5\0\0\0\0\0\0\0\0\0\0\0\0'), u64(2)],
      ],
    };
    expect(formatMap(named)).toBe('@pkts[eth5]: 2\n');
    const byPointer = {
      ...map,
      keySize: 8,
      entries: (): [Uint8Array, Uint8Array][] => [
        [u64(0x1_0000_1000), u64(9)],
        [u64(12), u64(1)],
      ],
    };
    expect(formatMap(byPointer)).toBe('@pkts[12]: 1\n@pkts[0x100001000]: 9\n');
  });

  it('labels log2 buckets as bpftrace does', () => {
    expect([0, 1, 2, 3, 9, 10, 11, 21].map(bucketLabel)).toEqual([
      '[0]',
      '[1]',
      '[2, 4)',
      '[4, 8)',
      '[256, 512)',
      '[512, 1K)',
      '[1K, 2K)',
      '[1M, 2M)',
    ]);
    expect([0, 1, 2, 3, 4, 255, 256, 511, 512, 1500].map(log2Bucket)).toEqual([
      0, 1, 2, 2, 3, 8, 9, 9, 10, 11,
    ]);
  });

  it('draws bars scaled to the largest bucket', () => {
    const h = formatLog2Histogram(
      'len',
      new Map([
        [9, 27n],
        [7, 3n],
        [11, 54n],
      ]),
    );
    expect(h).toBe(
      '@len:\n' +
        `[64, 128)                  3 |${'@'.repeat(2)}${' '.repeat(50)}|\n` +
        `[128, 256)                 0 |${' '.repeat(52)}|\n` +
        `[256, 512)                27 |${'@'.repeat(26)}${' '.repeat(26)}|\n` +
        `[512, 1K)                  0 |${' '.repeat(52)}|\n` +
        `[1K, 2K)                  54 |${'@'.repeat(52)}|\n`,
    );
  });
});
