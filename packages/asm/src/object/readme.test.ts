/** The README's object and RFC-image examples, checked. */
import { exit, lddw, R1 } from '@tbpf/isa';
import { expect, it } from 'vitest';
import {
  ATTACH_TYPES,
  draft,
  filterEx1Image,
  formatKernel,
  MAP_TYPES,
  ObjectBuilder,
  PROG_TYPES,
  readObject,
  sectionProgramType,
  translateRfcImage,
  writeRfcImage,
} from '../index.js';
import { linkProgram } from './link.js';

it('README: ObjectBuilder example', () => {
  const b = new ObjectBuilder();
  const u32 = b.btf.int('unsigned int', 4);
  b.addMap({
    name: 'counts',
    type: MAP_TYPES.hash,
    keySize: 4,
    valueSize: 8,
    maxEntries: 1024,
    btfKeyType: u32,
  });
  b.addFunction('prog', 'kprobe/sys_open', [lddw(R1, 0n), exit()]);
  b.addRelocation('kprobe/sys_open', 0, 'counts');
  b.addLineInfo('kprobe/sys_open', 0, { file: 'p.c', source: 'int prog(void) {', line: 3, column: 1 });
  b.license = 'GPL';
  const obj = readObject(b.build());
  expect(obj.programs.map((p) => `${p.section}/${p.name}`)).toEqual(['kprobe/sys_open/prog']);
  const prog = linkProgram(obj, 'prog');
  expect(prog.maps.map((m) => [m.name, m.typeName, m.keySize, m.valueSize, m.maxEntries])).toEqual([
    ['counts', 'hash', 4, 8, 1024],
  ]);
  expect(prog.insns[0]).toEqual({ kind: 'lddw', source: 'map_idx', dst: R1, imm: 0, imm2: 0 });
  expect(prog.lineInfo).toEqual([
    { insnIndex: 0, file: 'p.c', source: 'int prog(void) {', line: 3, column: 1 },
  ]);
});

it('README: RFC image example', () => {
  const image = filterEx1Image();
  expect(image.length).toBe(254);
  const prog = translateRfcImage(image);
  expect(prog.insns).toHaveLength(25);
  expect(prog.insns.slice(0, 2).map((i) => formatKernel(i))).toEqual([
    '(79) r6 = *(u64 *)(r1 +104)',
    '(bf) r1 = r6',
  ]);
  const mine = translateRfcImage(writeRfcImage({ insns: [draft.call('bpf_dump_stack'), draft.ret()] }));
  expect(mine.insns.map((i) => formatKernel(i))).toEqual([
    '(85) call unknown#1003',
    '(b7) r0 = 0',
    '(95) exit',
  ]);
});

it('README: section names → program types', () => {
  expect(sectionProgramType('kprobe/do_sys_open')).toEqual({ programType: 'kprobe', target: 'do_sys_open' });
  expect(sectionProgramType('xdp_prog')).toEqual({
    programType: 'xdp',
    expectedAttachType: 'xdp',
    legacy: true,
  });
  expect(sectionProgramType('fentry/tcp_connect')).toEqual({
    programType: 'tracing',
    expectedAttachType: 'trace_fentry',
    target: 'tcp_connect',
    needsTargetBtf: true,
  });
  expect(sectionProgramType('.text')).toBeUndefined();
  expect(PROG_TYPES.sched_cls).toBe(3);
  expect(ATTACH_TYPES.tcx_ingress).toBe(46);
});
