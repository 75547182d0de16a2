import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkProgram, readObject } from '@tbpf/asm';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
import { kprobeType, standardHelperSet, verify } from './index.js';

const cDir = path.resolve(__dirname, '../test-corpus/c');
const include = path.resolve(__dirname, '../../cc-frontend/include');
const out = mkdtempSync(path.join(tmpdir(), 'tbpf-verifier-c-'));

const compilers = [
  {
    name: 'clang-19',
    args: (src: string, obj: string) => ['-O2', '-g', '-target', 'bpf', `-I${include}`, '-c', src, '-o', obj],
  },
  {
    name: 'bpf-gcc',
    args: (src: string, obj: string) => ['-O2', '-gbtf', `-I${include}`, '-c', src, '-o', obj],
  },
];
const sources = readdirSync(cDir).filter((f) => f.endsWith('.c'));
const unsafeDir = path.resolve(__dirname, '../test-corpus/c-unsafe');
const unsafeSources = readdirSync(unsafeDir).filter((f) => f.endsWith('.c'));

describe.each(compilers)('C programs compiled with $name are accepted', ({ name, args }) => {
  const available = haveTool(name);
  it.skipIf(!available).each(sources)('%s', (file) => {
    const obj = path.join(out, `${file}.${name}.o`);
    execFileSync(name, args(path.join(cDir, file), obj));
    const object = readObject(new Uint8Array(readFileSync(obj)));
    expect(object.programs.length).toBeGreaterThan(0);
    for (const prog of object.programs) {
      const linked = linkProgram(object, prog.name);
      const r = verify(linked.insns, {
        type: kprobeType(standardHelperSet()),
        maps: linked.maps,
        lineInfo: linked.lineInfo,
        logLevel: 1,
      });
      expect(r.error?.reason ?? '', `${prog.section}:\n${r.log}`).toBe('');
    }
  });
});

describe.each(compilers)('unsafe C programs compiled with $name are rejected at their source line', ({
  name,
  args,
}) => {
  const available = haveTool(name);
  it.skipIf(!available).each(unsafeSources)('%s', (file) => {
    const text = readFileSync(path.join(unsafeDir, file), 'utf8');
    const reason = /expect: (.*)/.exec(text)![1].trim();
    const line = /line: (.*)/.exec(text)![1].trim();
    const obj = path.join(out, `${file}.${name}.o`);
    execFileSync(name, args(path.join(unsafeDir, file), obj));
    const object = readObject(new Uint8Array(readFileSync(obj)));
    const linked = linkProgram(object, object.programs[0].name);
    const r = verify(linked.insns, {
      type: kprobeType(standardHelperSet()),
      maps: linked.maps,
      lineInfo: linked.lineInfo,
    });
    expect(r.accepted).toBe(false);
    expect(r.error?.reason).toContain(reason);
    // clang records line info by default with -g; bpf-gcc's -gbtf has no .BTF.ext lines.
    if (linked.lineInfo.length > 0) expect(r.error?.sourceLine).toContain(line);
  });
});
