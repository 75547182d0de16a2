/**
 * Helper calls as Linux checks them: maps of maps, nullable memory, socket references,
 * packet-changing helpers, map/helper compatibility, tbpf's memset/memcpy builtins and the
 * features it names instead of modelling. (The kernel differential tests check the helper sets
 * and context rules; these check the argument and return kinds.)
 */
import { assemble, BUILTIN_HELPERS, MAP_TYPES } from '@tbpf/asm';
import type { Insn } from '@tbpf/isa';
import { describe, expect, it } from 'vitest';
import { linuxProgramType, type MapInfo, verify } from './index.js';

const program = (text: string): Insn[] => assemble(text).insns;

/** Instruction `at` (an `rN = 0 ll`) becomes a reference to map `map`. */
function mapRef(insns: Insn[], at: number, map: number): Insn[] {
  const copy = insns.slice();
  const lddw = insns[at];
  if (lddw.kind !== 'lddw') throw new Error(`instruction ${at} is not an lddw`);
  copy[at] = { ...lddw, source: 'map_idx', imm: map, imm2: 0 };
  return copy;
}

const inner: MapInfo = { name: 'inner', type: MAP_TYPES.array, keySize: 4, valueSize: 8, maxEntries: 4 };
const outer: MapInfo = {
  name: 'outer',
  type: MAP_TYPES.array_of_maps,
  keySize: 4,
  valueSize: 4,
  maxEntries: 8,
  inner,
};

const reason = (insns: Insn[], type = 'kprobe', maps: MapInfo[] = []) => {
  const r = verify(insns, { type: linuxProgramType(type as 'kprobe'), maps });
  return r.accepted ? 'accept' : r.error?.reason;
};

describe('maps of maps', () => {
  const lookupTwice = (useInner: string) =>
    mapRef(
      program(`r1 = 0 ll
*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
call 1
if r0 == 0 goto out
${useInner}
out:
r0 = 0
exit`),
      0,
      0,
    );

  it('a lookup in the outer map yields the inner map, usable once checked for NULL', () => {
    const insns = lookupTwice(
      'r1 = r0\nr2 = r10\nr2 += -4\ncall 1\nif r0 == 0 goto out\nr0 = *(u64 *)(r0 + 0)',
    );
    expect(reason(insns, 'kprobe', [outer])).toBe('accept');
  });

  it('the inner map is a map pointer, not memory', () => {
    expect(reason(lookupTwice('r1 = *(u32 *)(r0 + 0)'), 'kprobe', [outer])).toBe(
      "R0 invalid mem access 'map_ptr'",
    );
  });

  it('names a map of maps without a template', () => {
    const { inner: _, ...bare } = outer;
    expect(reason(lookupTwice('r1 = r0'), 'kprobe', [bare])).toBe("map 'outer' has no inner map template");
  });
});

describe('argument kinds', () => {
  it('csum_diff takes NULL with size 0 (nullable memory)', () => {
    const insns = program('r1 = 0\nr2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\ncall 28\nr0 = 0\nexit');
    expect(reason(insns, 'sched_cls')).toBe('accept');
  });

  it('but not NULL with a size', () => {
    const insns = program('r1 = 0\nr2 = 4\nr3 = 0\nr4 = 0\nr5 = 0\ncall 28\nr0 = 0\nexit');
    expect(reason(insns, 'sched_cls')).toBe('R1 type=scalar expected=fp');
  });

  it('a helper that may move packet data invalidates every packet pointer', () => {
    const insns = program(`r6 = r1
r2 = *(u32 *)(r6 + 76)
r3 = *(u32 *)(r6 + 80)
r4 = r2
r4 += 14
if r4 > r3 goto out
r1 = r6
r7 = r2
r2 = 0
r3 = 0
call 39
r0 = *(u8 *)(r7 + 0)
out:
r0 = 0
exit`);
    expect(reason(insns, 'sched_cls')).toBe("R7 invalid mem access 'scalar'");
  });

  it("maps only go to their own helpers: tail_call needs a prog_array (in Linux 6.18's words)", () => {
    const insns = mapRef(program('r6 = r1\nr2 = 0 ll\nr1 = r6\nr3 = 0\ncall 12\nr0 = 0\nexit'), 1, 0);
    expect(reason(insns, 'xdp', [inner])).toBe('expected prog array map for tail call');
    const lookup = mapRef(
      program('r1 = 0 ll\nr2 = r10\nr2 += -8\nr3 = 0\n*(u64 *)(r10 - 8) = r3\ncall 1\nr0 = 0\nexit'),
      0,
      0,
    );
    expect(
      reason(lookup, 'xdp', [
        { name: 'progs', type: MAP_TYPES.prog_array, keySize: 4, valueSize: 4, maxEntries: 1 },
      ]),
    ).toBe('cannot pass map_type 3 into func bpf_map_lookup_elem#1');
  });

  it('names what tbpf does not model (callbacks)', () => {
    const insns = program('r1 = 1\nr2 = 0\nr3 = 0\nr4 = 0\ncall 181\nr0 = 0\nexit');
    expect(reason(insns)).toMatch(/bpf_loop#181: callback functions are not supported by tbpf's verifier/);
  });
});

describe('socket references', () => {
  const lookup = (after: string) =>
    program(`r6 = r1
*(u64 *)(r10 - 16) = 0
*(u64 *)(r10 - 8) = 0
r1 = r6
r2 = r10
r2 += -16
r3 = 12
r4 = 0
r5 = 0
call 84
if r0 == 0 goto out
${after}
out:
r0 = 0
exit`);

  it('a socket from sk_lookup_tcp must be released', () => {
    expect(reason(lookup('r1 = r0\ncall 86'), 'sched_cls')).toBe('accept');
    expect(reason(lookup('r1 = *(u32 *)(r0 + 4)'), 'sched_cls')).toBe(
      'BPF_EXIT instruction in main prog would lead to reference leak',
    );
  });

  it('sockets are read-only and cannot be moved', () => {
    expect(reason(lookup('r2 = 1\n*(u32 *)(r0 + 4) = r2\nr1 = r0\ncall 86'), 'sched_cls')).toBe(
      'R0 cannot write into sock',
    );
    expect(reason(lookup('r0 += 4\nr1 = r0\ncall 86'), 'sched_cls')).toBe(
      'R0 pointer arithmetic on sock prohibited',
    );
  });
});

describe('tbpf builtins (memset/memcpy of old compilers)', () => {
  it('memcpy checks both ranges with the size argument', () => {
    const ok = `*(u64 *)(r10 - 8) = 0
r1 = r10
r1 += -16
r2 = r10
r2 += -8
r3 = 8
call ${BUILTIN_HELPERS.memcpy}
r0 = *(u64 *)(r10 - 16)
exit`;
    expect(reason(program(ok))).toBe('accept');
    expect(reason(program(ok.replace('r3 = 8', 'r3 = 16')))).toBe(
      'invalid indirect access to stack R2 off=-8 size=16',
    );
  });
});
