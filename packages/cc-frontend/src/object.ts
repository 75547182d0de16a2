/**
 * From a compiled unit to an ELF object with @tbpf/asm's ObjectBuilder: code sections with
 * function symbols and relocations, maps (BTF-defined `.maps` or legacy `maps`), global data,
 * license, BTF for maps and functions, and `.BTF.ext` func and line info (so verifier messages
 * can point at C lines).
 */
import { type BtfVarSecInfo, ObjectBuilder, type ObjectFile, readObject } from '@tbpf/asm';
import { BtfConverter } from './btf.js';
import type { CompiledUnit } from './compile.js';
import type { SourceLoc } from './diagnostics.js';
import { sourceLines } from './source-lines.js';
import { alignOf, sizeOf, typeToString } from './types.js';

export interface ObjectResult {
  bytes: Uint8Array;
  object: ObjectFile;
}

export function buildObject(unit: CompiledUnit): ObjectResult {
  const b = new ObjectBuilder();
  b.forceBtf = true;
  const btf = new BtfConverter(b.btf);
  for (const m of unit.maps) {
    b.addMap({
      name: m.name,
      type: m.type,
      keySize: m.keySize,
      valueSize: m.valueSize,
      maxEntries: m.maxEntries,
      flags: m.flags,
      style: m.style,
      btfKeyType: m.keyType ? btf.id(m.keyType) : undefined,
      btfValueType: m.valueType ? btf.id(m.valueType) : undefined,
    });
  }
  // Global data with a VAR per variable in a DATASEC per section (libbpf sizes the section's
  // map from it, and the kernel shows the variables' types).
  const datasecs = new Map<string, BtfVarSecInfo[]>();
  const datasecVars = (section: string) => {
    let vars = datasecs.get(section);
    if (!vars) {
      vars = [];
      datasecs.set(section, vars);
    }
    return vars;
  };
  const sectionSize = new Map<string, number>();
  for (const d of unit.data) {
    const align = Math.min(8, Math.max(1, alignOf(d.type)));
    const at = sectionSize.get(d.section) ?? 0;
    const pad = (align - (at % align)) % align;
    const bss = d.section.startsWith('.bss');
    if (pad) b.addData(d.section, bss ? pad : new Uint8Array(pad));
    b.addData(d.section, bss ? d.bytes.length : d.bytes, {
      name: d.name,
      global: d.global,
      weak: d.v.weak,
      visibility: d.v.visibility,
    });
    sectionSize.set(d.section, at + pad + d.bytes.length);
    const type = btf.variable(d.name, d.type, d.global ? 'global' : 'static');
    datasecVars(d.section).push({ type, offset: at + pad, size: d.bytes.length });
  }
  // `__kconfig` / `__ksym` externs: VARs of linkage extern in DATASEC .kconfig / .ksyms, which
  // libbpf fills in from the running kernel (offsets and sizes are its business).
  // kfuncs: FUNCs of linkage extern in DATASEC .ksyms (size 0), as clang writes them.
  for (const e of unit.externs) {
    // An undefined symbol, weak for `__weak` (libbpf then leaves it 0 when it finds no value).
    b.defineSymbol({ name: e.name, value: 0, size: 0, binding: e.weak ? 'weak' : 'global', type: 'notype' });
    if (e.type.kind === 'func') {
      // clang leaves the parameters of an extern's prototype unnamed.
      const proto = btf.id({ ...e.type, params: e.type.params.map((p) => ({ ...p, name: undefined })) });
      const type = b.btf.func(e.name, proto, 'extern');
      datasecVars(e.section).push({ type, offset: 0, size: 0 });
      continue;
    }
    const type = btf.variable(e.name, e.type, 'extern');
    datasecVars(e.section).push({ type, offset: 0, size: sizeOf(e.type) });
  }
  for (const [section, vars] of datasecs) b.btf.datasec(section, 0, vars);
  const lineOf = sourceLines(unit.sources);
  for (const f of unit.functions) {
    const core = f.coreRelos.map((c) => ({ ...c, typeId: btf.id(c.root), localId: c.typeId }));
    // __builtin_btf_type_id: the immediate is the local id (libbpf checks it).
    const localIds = new Map(core.filter((c) => c.localId).map((c) => [c.insnIndex, c.typeId]));
    const insns = f.insns.map((insn, k) => {
      const id = localIds.get(k);
      return id !== undefined && insn.kind === 'lddw' ? { ...insn, imm: id } : insn;
    });
    const first = b.addFunction(f.name, f.section, insns, {
      global: f.global,
      weak: f.func.weak,
      visibility: f.func.visibility,
    });
    for (const r of f.relocs) b.addRelocation(f.section, first + r.insnIndex, r.symbol);
    for (const c of core)
      b.addCoreRelocation(f.section, first + c.insnIndex, {
        typeId: c.typeId,
        accessString: c.access,
        kind: c.kind,
      });
    b.addFuncInfo(f.section, first, btf.func(f));
    // One line_info record where the statement (file, line and column) changes, as clang does.
    let last: SourceLoc | undefined;
    f.locs.forEach((loc, k) => {
      if (!loc || (last && loc.line === last.line && loc.col === last.col && loc.file === last.file)) return;
      last = loc;
      const source = lineOf(loc.file, loc.line);
      b.addLineInfo(f.section, first + k, { file: loc.file, source, line: loc.line, column: loc.col });
    });
  }
  if (unit.license !== undefined && !unit.data.some((d) => d.section === 'license')) b.license = unit.license;
  const bytes = b.build();
  return { bytes, object: readObject(bytes) };
}

export { sizeOf, typeToString };
