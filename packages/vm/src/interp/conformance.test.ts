import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, parseConformanceData } from '@tbpf/asm';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { registerConformanceHelpers } from '../helpers/conformance.js';
import { standardHelpers } from '../helpers/standard.js';
import { loadBytes, loadInsns } from '../loader.js';
import { Runtime } from '../runtime.js';
import { interpreter } from './interpreter.js';

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

/** Run one conformance file the way the plugin does: r1 = the memory (or 0), r2 = its length. */
function runFile(file: string, useRaw: boolean): { r0?: bigint; error?: string } {
  const data = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
  const runtime = new Runtime({
    memoryBytes: 1 << 20,
    helpers: registerConformanceHelpers(standardHelpers()),
  });
  try {
    const program =
      useRaw && data.raw ? loadBytes(runtime, data.raw) : loadInsns(runtime, assemble(data.asm!).insns);
    const prepared = interpreter.prepare(program);
    const ctx = data.mem.length > 0 ? runtime.allocData(data.mem, 'mem').start : 0;
    return { r0: prepared.run(ctx, data.mem.length) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

describe('bpf_conformance on the interpreter', () => {
  it('has all 313 programs', () => expect(files.length).toBe(313));

  it.each(files)('%s', (file) => {
    const data = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
    const got = runFile(file, false);
    if (data.error !== undefined) expect(got.error).toBe(data.error);
    else expect(got).toEqual({ r0: data.result });
  });

  it('runs the -- raw encodings too', () => {
    const withRaw = files.filter(
      (f) => parseConformanceData(readFileSync(path.join(testsDir, f), 'utf8'), f).raw,
    );
    expect(withRaw.length).toBeGreaterThan(0);
    for (const f of withRaw) expect(runFile(f, true)).toEqual(runFile(f, false));
  });
});
