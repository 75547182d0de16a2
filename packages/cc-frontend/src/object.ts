/**
 * From a compiled unit to an ELF object with @tbpf/asm's ObjectBuilder: code sections with
 * function symbols and relocations, maps (BTF-defined `.maps` or legacy `maps`), global data,
 * license, BTF for maps and functions, and `.BTF.ext` func and line info (so verifier messages
 * can point at C lines).
 */
import { type BtfType, ObjectBuilder, type ObjectFile, readObject } from '@tbpf/asm';
import type { CompiledUnit } from './compile.js';
import { alignOf, type StructDef, sizeOf, type Type, typeToString } from './types.js';

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
  const sectionSize = new Map<string, number>();
  for (const d of unit.data) {
    const align = Math.min(8, Math.max(1, alignOf(d.type)));
    const at = sectionSize.get(d.section) ?? 0;
    const pad = (align - (at % align)) % align;
    const bss = d.section.startsWith('.bss');
    if (pad) b.addData(d.section, bss ? pad : new Uint8Array(pad));
    b.addData(d.section, bss ? d.bytes.length : d.bytes, { name: d.name, global: d.global });
    sectionSize.set(d.section, at + pad + d.bytes.length);
  }
  for (const f of unit.functions) {
    const first = b.addFunction(f.name, f.section, f.insns, { global: f.global });
    for (const r of f.relocs) b.addRelocation(f.section, first + r.insnIndex, r.symbol);
    b.addFuncInfo(f.section, first, btf.func(f));
    let lastLine = -1;
    let lastFile = '';
    f.locs.forEach((loc, k) => {
      if (!loc || (loc.line === lastLine && loc.file === lastFile)) return;
      lastLine = loc.line;
      lastFile = loc.file;
      const source = unit.sources.get(loc.file)?.split('\n')[loc.line - 1] ?? '';
      b.addLineInfo(f.section, first + k, { file: loc.file, source, line: loc.line, column: loc.col });
    });
  }
  if (unit.license !== undefined) b.license = unit.license;
  const bytes = b.build();
  return { bytes, object: readObject(bytes) };
}

/** Converts C types to BTF type ids (memoised; structs may refer to themselves). */
class BtfConverter {
  private readonly ints = new Map<string, number>();
  private readonly structs = new Map<StructDef, number>();

  constructor(private readonly b: ObjectBuilder) {}

  id(t: Type): number {
    const btf = this.b.btf;
    switch (t.kind) {
      case 'void':
        return 0;
      case 'int':
      case 'float': {
        const name =
          t.kind === 'int' && t.enumTag !== undefined ? (t.signed ? 'int' : 'unsigned int') : t.name;
        let id = this.ints.get(name);
        if (id === undefined) {
          id =
            t.kind === 'float'
              ? btf.add({ kind: 'float', name, size: t.size })
              : btf.int(name, t.size, t.signed, { char: t.size === 1 && !t.bool, bool: !!t.bool });
          this.ints.set(name, id);
        }
        return id;
      }
      case 'ptr':
        return btf.ptr(this.id(t.to));
      case 'array':
        return btf.array(this.id(t.of), t.len ?? 0);
      case 'func':
        return btf.funcProto(
          this.id(t.ret),
          t.params.map((p) => ({ name: p.name ?? '', type: this.id(p.type) })),
        );
      case 'struct': {
        const known = this.structs.get(t.def);
        if (known !== undefined) return known;
        const entry: BtfType = {
          kind: t.def.union ? 'union' : 'struct',
          name: t.def.tag ?? '',
          size: t.def.size,
          members: [],
        };
        const id = btf.add(entry);
        this.structs.set(t.def, id);
        entry.members = t.def.members.map((m) => ({
          name: m.name ?? '',
          type: this.id(m.type),
          bitOffset: m.bitOffset ?? m.offset * 8,
          bitSize: m.bitWidth ?? 0,
        }));
        return id;
      }
    }
  }

  func(f: CompiledUnit['functions'][number]): number {
    const proto = this.b.btf.funcProto(
      this.id(f.func.type.ret),
      f.func.params.map((p) => ({ name: p.name, type: this.id(p.type) })),
    );
    return this.b.btf.func(f.name, proto, f.global ? 'global' : 'static');
  }
}

export { sizeOf, typeToString };
