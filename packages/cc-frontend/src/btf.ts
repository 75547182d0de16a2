/**
 * C types as BTF, the way clang-19 describes them: for objects (./object.ts) and for the types a
 * header declares (./declarations.ts — a host's structs, the target of CO-RE relocations).
 */
import type { BtfBuilder, BtfType } from '@tbpf/asm';
import type { CompiledUnit } from './compile.js';
import type { StructDef, Type, Typedef } from './types.js';

/**
 * Converts C types to BTF type ids the way clang-19 describes them: one entry per distinct type,
 * `char` and `signed char` SIGNED, `unsigned char` without encoding (the kernel refuses
 * SIGNED|CHAR), `_Bool` BOOL, enums as ENUM with their values, typedef names as TYPEDEF and
 * qualifiers as CONST/VOLATILE (const outermost, as clang writes `const volatile int`).
 */
export class BtfConverter {
  /** Memo by a structural key; structs by definition (they may refer to themselves). */
  private readonly memo = new Map<string, number>();
  private readonly structs = new Map<StructDef, number>();
  private readonly enums = new Map<readonly unknown[], number>();

  constructor(readonly builder: BtfBuilder) {}

  id(t: Type): number {
    const named = typedefOf(t);
    if (t.const) return this.memoised(this.key(t), () => this.builder.const(this.id({ ...t, const: false })));
    if (t.volatile)
      return this.memoised(this.key(t), () => this.builder.volatile(this.id({ ...t, volatile: false })));
    if (named) return this.memoised(this.key(t), () => this.builder.typedef(named.name, this.id(named.type)));
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
    const btf = this.builder;
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
    const btf = this.builder;
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
    const proto = this.builder.funcProto(
      this.id(f.func.type.ret),
      f.func.params.map((p) => ({ name: p.name, type: this.id(p.type) })),
    );
    return this.builder.func(f.name, proto, f.global ? 'global' : 'static');
  }

  /** A VAR for a global variable (linkage as clang: static, global or extern). */
  variable(name: string, type: Type, linkage: 'static' | 'global' | 'extern'): number {
    return this.builder.var(name, this.id(type), linkage);
  }
}

/** The typedef name a type was spelled through (set by the parser), if any. */
function typedefOf(t: Type): Typedef | undefined {
  return t.typedef;
}
