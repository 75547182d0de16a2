/**
 * From a compiled unit to an ELF object with @tbpf/asm's ObjectBuilder: code sections with
 * function symbols and relocations, maps (BTF-defined `.maps` or legacy `maps`), global data,
 * license, BTF for maps and functions, and `.BTF.ext` func and line info (so verifier messages
 * can point at C lines).
 */
import { type BtfType, type BtfVarSecInfo, ObjectBuilder, type ObjectFile, readObject } from '@tbpf/asm';
import type { CompiledUnit } from './compile.js';
import type { SourceLoc } from './diagnostics.js';
import { sourceLines } from './source-lines.js';
import { alignOf, type StructDef, sizeOf, type Type, type Typedef, typeToString } from './types.js';

export interface ObjectResult {
  bytes: Uint8Array;
  object: ObjectFile;
}

export function buildObject(unit: CompiledUnit): ObjectResult {
  const b = new ObjectBuilder();
  b.forceBtf = true;
  const btf = new BtfConverter(b);
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
  if (unit.license !== undefined) b.license = unit.license;
  const bytes = b.build();
  return { bytes, object: readObject(bytes) };
}

/**
 * Converts C types to BTF type ids the way clang-19 describes them: one entry per distinct type,
 * `char` and `signed char` SIGNED, `unsigned char` without encoding (the kernel refuses
 * SIGNED|CHAR), `_Bool` BOOL, enums as ENUM with their values, typedef names as TYPEDEF and
 * qualifiers as CONST/VOLATILE (const outermost, as clang writes `const volatile int`).
 */
class BtfConverter {
  /** Memo by a structural key; structs by definition (they may refer to themselves). */
  private readonly memo = new Map<string, number>();
  private readonly structs = new Map<StructDef, number>();
  private readonly enums = new Map<readonly unknown[], number>();

  constructor(private readonly b: ObjectBuilder) {}

  id(t: Type): number {
    const named = typedefOf(t);
    if (t.const) return this.memoised(this.key(t), () => this.b.btf.const(this.id({ ...t, const: false })));
    if (t.volatile)
      return this.memoised(this.key(t), () => this.b.btf.volatile(this.id({ ...t, volatile: false })));
    if (named) return this.memoised(this.key(t), () => this.b.btf.typedef(named.name, this.id(named.type)));
    return this.plain(t);
  }

  private memoised(key: string, make: () => number): number {
    let id = this.memo.get(key);
    if (id === undefined) {
      id = make();
      this.memo.set(key, id);
    }
    return id;
  }

  /** A key that is equal for types BTF does not tell apart. */
  private key(t: Type): string {
    const q = `${t.const ? 'c' : ''}${t.volatile ? 'v' : ''}`;
    const named = typedefOf(t);
    if (named) return `${q}T${named.name}:${this.key(named.type)}`;
    switch (t.kind) {
      case 'void':
        return `${q}void`;
      case 'int':
        return `${q}i${t.enumerators ? `e${this.plain(t)}` : t.enumTag !== undefined ? `e${t.enumTag}` : t.name}`;
      case 'float':
        return `${q}f${t.name}`;
      case 'ptr':
        return `${q}*${this.key(t.to)}`;
      case 'array':
        return `${q}[${t.len ?? 0}]${this.key(t.of)}`;
      case 'struct':
        return `${q}s${this.structId(t.def)}`;
      case 'func':
        return `${q}(${t.params.map((p) => `${p.name ?? ''}:${this.key(p.type)}`).join(',')}${t.variadic ? ',...' : ''})${this.key(t.ret)}`;
    }
  }

  private plain(t: Type): number {
    const btf = this.b.btf;
    switch (t.kind) {
      case 'void':
        return 0;
      case 'int': {
        const values = t.enumerators;
        if (t.enumTag !== undefined && values) {
          // One ENUM per definition (its list of constants); anonymous ones have no name.
          let id = this.enums.get(values);
          if (id === undefined) {
            id = btf.add({
              kind: values.some((v) => v.value > 0xffffffffn || v.value < -0x80000000n) ? 'enum64' : 'enum',
              name: t.enumTag === '(anonymous)' ? '' : t.enumTag,
              size: t.size,
              signed: values.some((v) => v.value < 0n),
              values: values.map((v) => ({ name: v.name, value: v.value })),
            });
            this.enums.set(values, id);
          }
          return id;
        }
        const name = t.enumTag !== undefined ? (t.signed ? 'int' : 'unsigned int') : t.name;
        return this.memoised(`i${name}`, () =>
          btf.int(name, t.size as 1 | 2 | 4 | 8 | 16, t.signed, { bool: !!t.bool }),
        );
      }
      case 'float':
        return this.memoised(this.key(t), () => btf.add({ kind: 'float', name: t.name, size: t.size }));
      case 'ptr':
        return this.memoised(this.key(t), () => btf.ptr(this.id(t.to)));
      case 'array':
        return this.memoised(this.key(t), () => btf.array(this.id(t.of), t.len ?? 0));
      case 'func':
        return this.memoised(this.key(t), () =>
          btf.funcProto(
            this.id(t.ret),
            t.params.map((p) => ({ name: p.name ?? '', type: this.id(p.type) })),
          ),
        );
      case 'struct':
        return this.structId(t.def);
    }
  }

  private structId(def: StructDef): number {
    const known = this.structs.get(def);
    if (known !== undefined) return known;
    const btf = this.b.btf;
    if (!def.complete) {
      const id = btf.add({ kind: 'fwd', name: def.tag ?? '', union: def.union });
      this.structs.set(def, id);
      return id;
    }
    const entry: BtfType = {
      kind: def.union ? 'union' : 'struct',
      name: def.tag ?? '',
      size: def.size,
      members: [],
    };
    const id = btf.add(entry);
    this.structs.set(def, id);
    entry.members = def.members.map((m) => ({
      name: m.name ?? '',
      type: this.id(m.type),
      bitOffset: m.bitOffset ?? m.offset * 8,
      bitSize: m.bitWidth ?? 0,
    }));
    return id;
  }

  func(f: CompiledUnit['functions'][number]): number {
    const proto = this.b.btf.funcProto(
      this.id(f.func.type.ret),
      f.func.params.map((p) => ({ name: p.name, type: this.id(p.type) })),
    );
    return this.b.btf.func(f.name, proto, f.global ? 'global' : 'static');
  }

  /** A VAR for a global variable (linkage as clang: static, global or extern). */
  variable(name: string, type: Type, linkage: 'static' | 'global' | 'extern'): number {
    return this.b.btf.var(name, this.id(type), linkage);
  }
}

/** The typedef name a type was spelled through (set by the parser), if any. */
function typedefOf(t: Type): Typedef | undefined {
  return t.typedef;
}

export { sizeOf, typeToString };
