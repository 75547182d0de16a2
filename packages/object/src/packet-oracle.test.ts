/**
 * Differential test against the running kernel's BPF_PROG_TEST_RUN (root; skipped elsewhere,
 * with the reason; required in CI): the packet programs of test-corpus/packets.c, built by each compiler, run
 * in the kernel and on every engine over the standard and random packets and a few contexts;
 * retval, data_out, ctx_out and the maps afterwards must be the same.
 */
import { type EngineName, encodePacketCtx } from '@tbpf/vm';
import { describe, expect, it } from 'vitest';
import { compilers } from './compilers.test-util.js';
import { engineAvailability, openObject } from './index.js';
import {
  buildTestRunOracle,
  comparePacketProgram,
  type PacketCase,
  randomPackets,
  standardPackets,
} from './testing/index.js';

const oracle = buildTestRunOracle();
const ENGINES = (['interp', 'wasm', 'jit'] as EngineName[]).filter((e) => engineAvailability(e).ok);

function cases(kind: 'skb' | 'xdp'): PacketCase[] {
  const base: PacketCase[] = [...standardPackets(), ...randomPackets(7, 24)];
  const udp = base[0].data;
  const ctx: PacketCase[] =
    kind === 'skb'
      ? [
          {
            name: 'ctx-mark-cb',
            data: udp,
            ctx: encodePacketCtx('skb', { mark: 7, priority: 3, cb: [5, 0, 0, 0, 9] }),
          },
          {
            name: 'ctx-wire-len',
            data: udp,
            ctx: encodePacketCtx('skb', { wire_len: 1000, tstamp: 12345n }),
          },
          { name: 'ctx-bad-field', data: udp, ctx: encodePacketCtx('skb', {}).fill(1, 0, 4) },
        ]
      : [
          { name: 'ctx-meta-8', data: udp, ctx: encodePacketCtx('xdp', { data: 8, data_end: udp.length }) },
          { name: 'ctx-bad-meta', data: udp, ctx: encodePacketCtx('xdp', { data: 3, data_end: udp.length }) },
        ];
  return [...base, ...ctx];
}

if (!('bin' in oracle)) {
  if (process.env.CI) throw new Error(`the kernel's BPF_PROG_TEST_RUN is required in CI: ${oracle.reason}`);
  console.log(`packet oracle skipped: ${oracle.reason}`);
}

describe.skipIf(!('bin' in oracle))("agreement with the kernel's BPF_PROG_TEST_RUN", () => {
  const bin = 'bin' in oracle ? oracle.bin : '';
  describe.each(compilers('packets.c'))('programs built by $compiler', ({ bytes }) => {
    it.each(['xdp_count', 'xdp_reshape', 'tc_ttl', 'tc_pad'])('%s', (name) => {
      const spec = openObject(bytes(), { fileName: 'packets.o' });
      const kind = name.startsWith('xdp') ? 'xdp' : 'skb';
      const r = comparePacketProgram(bin, spec, name, cases(kind), ENGINES);
      expect(r.skipped).toBeUndefined();
      expect(r.differences).toEqual([]);
      // The runs did something: verdicts vary and some input was refused alike.
      expect(new Set(r.kernel).size).toBeGreaterThan(3);
    });
  });
});
