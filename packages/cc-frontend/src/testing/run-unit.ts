/**
 * Test support: load a CompiledUnit straight into the vm (maps created, global data as array
 * maps, sub-programs appended and calls fixed) without going through ELF. Tests only — the
 * package itself does not depend on the vm.
 */
import type { Insn, LddwInsn } from '@tbpf/isa';
import { createMapFromSpec, interpreter, loadInsns, type Runtime } from '@tbpf/vm';
import type { CompiledUnit } from '../compile.js';

export function loadUnit(runtime: Runtime, unit: CompiledUnit, entry: string) {
  const fd = new Map<string, number>();
  const dataAt = new Map<string, { fd: number; offset: number }>();
  for (const m of unit.maps) {
    const map = createMapFromSpec(runtime, { ...m });
    fd.set(m.name, runtime.maps.indexOf(map) + 1);
  }
  const sections = new Map<string, { bytes: number[]; vars: { name: string; offset: number }[] }>();
  for (const d of unit.data) {
    const s = sections.get(d.section) ?? { bytes: [], vars: [] };
    while (s.bytes.length % 8) s.bytes.push(0);
    s.vars.push({ name: d.name, offset: s.bytes.length });
    s.bytes.push(...d.bytes);
    sections.set(d.section, s);
  }
  for (const [name, s] of sections) {
    const bytes = new Uint8Array(s.bytes.length || 1);
    bytes.set(s.bytes);
    const map = createMapFromSpec(runtime, { name, type: 2, keySize: 4, valueSize: bytes.length, maxEntries: 1, flags: 0, initialData: bytes });
    const id = runtime.maps.indexOf(map) + 1;
    for (const v of s.vars) dataAt.set(v.name, { fd: id, offset: v.offset });
  }
  const order = [entry];
  const insns: Insn[] = [];
  const starts: { name: string; insnIndex: number; slot: number }[] = [];
  const pendingCalls: { at: number; slot: number; fn: string }[] = [];
  let slot = 0;
  for (let k = 0; k < order.length; k++) {
    const f = unit.functions.find((x) => x.name === order[k]);
    if (!f) throw new Error(`no function ${order[k]}`);
    starts.push({ name: f.name, insnIndex: insns.length, slot });
    const base = insns.length;
    const copy = f.insns.map((i) => ({ ...i }) as Insn);
    const slots: number[] = [];
    for (const i of copy) {
      slots.push(slot);
      slot += i.kind === 'lddw' ? 2 : 1;
    }
    for (const r of f.relocs) {
      const insn = copy[r.insnIndex];
      if (r.kind === 'call') {
        if (!order.includes(r.symbol)) order.push(r.symbol);
        pendingCalls.push({ at: base + r.insnIndex, slot: slots[r.insnIndex], fn: r.symbol });
      } else if (r.kind === 'map') {
        Object.assign(insn as LddwInsn, { source: 'map_fd', imm: fd.get(r.symbol) ?? 0 });
      } else {
        const d = dataAt.get(r.symbol);
        if (!d) throw new Error(`no data ${r.symbol}`);
        Object.assign(insn as LddwInsn, { source: 'map_value', imm: d.fd, imm2: d.offset + (insn as LddwInsn).imm });
      }
    }
    insns.push(...copy);
  }
  for (const c of pendingCalls) {
    const target = starts.find((s) => s.name === c.fn);
    if (!target) throw new Error(`no function ${c.fn}`);
    (insns[c.at] as { imm: number }).imm = target.slot - c.slot - 1;
  }
  const program = loadInsns(runtime, insns, { name: entry, functionStarts: starts.map(({ name, insnIndex }) => ({ name, insnIndex })) });
  return interpreter.prepare(program, { instructionLimit: 1_000_000 });
}
