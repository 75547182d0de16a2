import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { encode } from '@tbpf/isa';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { assemble } from '../text/index.js';
import { ConformanceDataError, parseConformanceData } from './data-file.js';

const read = (file: string) => parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);

describe('parseConformanceData on the suite', () => {
  it('reads -- raw as little-endian instruction words (lddw.data), the same bytes as the assembled -- asm', () => {
    const d = read('lddw.data');
    expect(d.asm).toBe('lddw %r0, 0x1122334455667788\nexit\n');
    expect(Buffer.from(d.raw!).toString('hex')).toBe(
      '1800000088776655' + '0000000044332211' + '9500000000000000',
    );
    expect(d.raw).toEqual(encode(assemble(d.asm!).insns));
    expect(d.result).toBe(0x1122334455667788n);
    expect(d.mem).toEqual(new Uint8Array());
    expect(d.error).toBeUndefined();
  });

  it('reads -- mem over several lines and keeps unknown sections (mem-len.data)', () => {
    const d = read('mem-len.data');
    expect(d.mem).toEqual(Uint8Array.from([0, 0, 0, 1, 0, 0, 0, 2]));
    expect(d.result).toBe(8n);
    expect(d.raw).toBeUndefined();
    expect(Object.keys(d.sections)).toEqual(['asm', 'mem', 'no register offset', 'result']);
    expect(d.sections['no register offset']).toBe('');
  });

  it('leaves # comments in -- asm to the assembler and ignores the header (lock_cmpxchg.data)', () => {
    const d = read('lock_cmpxchg.data');
    expect(d.asm!.startsWith('# Store 0x123456789abcdef0 in [%r10-8]\nlddw %r0, 0x123456789abcdef0\n')).toBe(
      true,
    );
    expect(d.asm).not.toContain('Copyright');
    expect(assemble(d.asm!).insns.length).toBeGreaterThan(10);
    expect(d.result).toBe(0n);
  });

  it('keeps a -- c section whole, #include lines included (subnet.data)', () => {
    const d = read('subnet.data');
    expect(d.sections.c).toMatch(/^#include <stdint.h>\n/);
    expect(d.asm).not.toContain('#include');
    expect(d.mem.length).toBeGreaterThan(0);
    expect(d.result).toBe(1n);
  });

  it('reads all 313 files: each has a program and an expected result', () => {
    const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));
    expect(files).toHaveLength(313);
    for (const file of files) {
      const d = read(file);
      expect(d.asm, file).toBeDefined();
      expect(d.result, file).toBeTypeOf('bigint');
    }
  });
});

describe('parseConformanceData on bad input', () => {
  const fail = (text: string) => {
    try {
      parseConformanceData(text, 't.data');
    } catch (e) {
      return e;
    }
    throw new Error('no error');
  };

  it('names the file, line and section of a bad memory byte', () => {
    const e = fail('-- asm\nexit\n-- mem\naa bb\ncc zz # comment\n-- result\n0x1\n');
    expect(e).toBeInstanceOf(ConformanceDataError);
    expect(e).toMatchObject({ fileName: 't.data', line: 5, section: 'mem', text: 'zz' });
    expect((e as Error).message).toBe('t.data:5: error: -- mem: expected hex bytes like "aa bb 11"');
  });

  it('rejects a result that is not one number, and an instruction word wider than 64 bits', () => {
    expect(fail('-- result\n0x1 0x2\n')).toMatchObject({ line: 2, section: 'result' });
    expect(fail('-- result\n\n')).toMatchObject({ line: 2, section: 'result' });
    expect(fail('-- result\nabc\n')).toMatchObject({ line: 2, section: 'result', text: 'abc' });
    expect(fail('-- raw\n0x95\n0x10000000000000000\n')).toMatchObject({ line: 3, section: 'raw' });
  });

  it('strips # comments in -- raw, -- mem and -- result, and trims -- error', () => {
    const d = parseConformanceData(
      '-- raw\n0x95 # exit\n-- mem\n01 # one\n02\n-- result\n0x2 # two\n-- error\n  boom # not a comment\n\n',
    );
    expect(d.raw).toEqual(Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0]));
    expect(d.mem).toEqual(Uint8Array.from([1, 2]));
    expect(d.result).toBe(2n);
    expect(d.error).toBe('boom # not a comment');
    expect(d.asm).toBeUndefined();
  });
});

it('README example', () => {
  const data = parseConformanceData(
    '-- asm\nldxh %r0, [%r1]\nexit\n-- mem\n11 22\n-- result\n0x2211\n',
    'be.data',
  );
  expect(data.mem).toEqual(Uint8Array.from([0x11, 0x22]));
  expect(data.result).toBe(0x2211n);
  expect(assemble(data.asm!).insns).toHaveLength(2);
});
