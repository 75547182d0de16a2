import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { linkProgram, readObject } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { kprobeType, standardHelperSet, verify } from './index.js';

const cDir = path.resolve(__dirname, '../test-corpus/c');
const include = path.resolve(__dirname, '../../cc-frontend/include');
const out = mkdtempSync(path.join(tmpdir(), 'tbpf-verifier-c-'));

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI) throw new Error(`${tool} is required in CI`);
    return false;
  }
}

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

describe.each(compilers)('C programs compiled with $name are accepted', ({ name, args }) => {
  const available = have(name);
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
