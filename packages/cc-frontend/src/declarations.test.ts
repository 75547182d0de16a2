import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { parseDeclarations } from './declarations.js';
import { CompileError } from './diagnostics.js';

const HEADER = `
typedef unsigned long long u64;
struct inner { char c; short s; };
struct net_device { char name[16]; unsigned int flags; struct inner in; void *priv; int ifindex; };
struct sk_buff { struct net_device *dev; unsigned int len, data_len; unsigned short protocol; unsigned char pkt_type:3, cloned:1, nohdr:1; u64 tstamp; };
struct bits { int a:3; unsigned b:30; long c:40; char d; unsigned short e:9, :0, f:2; };
struct mixed { char a; union { int i; char buf[5]; }; struct { short x, y; } pt; long long z; };
struct __attribute__((packed)) packed { char a; int b; short c; };
union u { char c[3]; int i; short s; };
struct tail { int n; char data[]; };
`;

function gccOffsets(header: string, checks: { struct: string; field: string; bit: boolean }[]): number[] {
  // `struct` holds 'struct tag' or 'union tag'.
  const dir = mkdtempSync(join(tmpdir(), 'cc-layout-'));
  const lines = checks.map(({ struct, field, bit }) =>
    bit
      ? `{ ${struct} s; memset(&s, 0, sizeof s); s.${field} = -1; unsigned char *p = (unsigned char *)&s; int b = 0; while (!(p[b / 8] & (1 << (b % 8)))) b++; int w = 0; while (b + w < (int)sizeof s * 8 && (p[(b + w) / 8] & (1 << ((b + w) % 8)))) w++; printf("%d %d\\n", b, w); }`
      : `printf("%d %d\\n", (int)offsetof(${struct}, ${field}), (int)sizeof(((${struct} *)0)->${field}));`,
  );
  writeFileSync(
    join(dir, 'l.c'),
    `#include <stdio.h>\n#include <string.h>\n#include <stddef.h>\n${header}\nint main(void) {\n${lines.join('\n')}\nreturn 0; }\n`,
  );
  execFileSync('gcc', ['-o', join(dir, 'l'), join(dir, 'l.c')]);
  return execFileSync(join(dir, 'l'), { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
}

describe('parseDeclarations', () => {
  const decls = parseDeclarations(HEADER);

  it('lays out every field as gcc does (offsets, sizes, bit positions)', () => {
    if (!haveTool('gcc')) return;
    const checks: { struct: string; field: string; bit: boolean }[] = [];
    const ours: number[] = [];
    for (const [name, layout] of decls.structs) {
      for (const f of layout.fields) {
        if (f.ctype.endsWith('[]')) continue;
        checks.push({ struct: `${layout.kind} ${name}`, field: f.name, bit: f.bitWidth !== undefined });
        if (f.bitWidth !== undefined) ours.push(f.bitOffset ?? -1, f.bitWidth);
        else ours.push(f.offset, f.size);
      }
    }
    expect(checks.length).toBeGreaterThan(25);
    expect(ours).toEqual(gccOffsets(HEADER, checks));
  });

  it('reports sizes, C spellings, typedefs and enums', () => {
    const d = parseDeclarations(
      'typedef struct { int a; char *p; } pair_t; enum e { A, B = 5, C }; typedef int arr[4];',
    );
    const pair = d.structs.get('pair_t');
    expect(pair).toMatchObject({ kind: 'struct', size: 16, align: 8 });
    expect(pair?.fields.map((f) => [f.name, f.ctype, f.offset])).toEqual([
      ['a', 'int', 0],
      ['p', 'char *', 8],
    ]);
    expect(d.typedefs.get('arr')).toMatchObject({ ctype: 'int [4]', size: 16 });
    expect([...(d.enums.get('e') ?? [])]).toEqual([
      ['A', 0n],
      ['B', 5n],
      ['C', 6n],
    ]);
    expect(decls.structs.get('sk_buff')?.fields.find((f) => f.name === 'dev')?.ctype).toBe(
      'struct net_device *',
    );
    expect(decls.structs.get('packed')?.size).toBe(7);
    expect(decls.structs.get('u')).toMatchObject({ kind: 'union', size: 4 });
  });

  it('throws CompileError with clang-style locations', () => {
    expect(() => parseDeclarations('struct a { int x; int x; };', { fileName: 'h.h' })).toThrow(CompileError);
    try {
      parseDeclarations('struct a { int x;\n  undefined_t y; };', { fileName: 'h.h' });
    } catch (e) {
      expect((e as Error).message).toBe(
        "h.h:2:3: error: unknown type name 'undefined_t'\n    2 |   undefined_t y; };\n      |   ^",
      );
    }
  });
});
