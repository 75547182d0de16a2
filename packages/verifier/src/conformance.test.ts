import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, parseConformanceData } from '@tbpf/asm';
import { bpfConformanceTests as testsDir } from '@tbpf/third-party';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_HELPERS, rawType, verify } from './index.js';

/**
 * Conformance programs the verifier rejects, with the real unsafety (see README.md). Anything
 * not listed here must be accepted.
 */
export const CONFORMANCE_EXCEPTIONS: Record<string, string> = {};

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

describe('conformance programs under the raw program type', () => {
  it('finds the suite', () => expect(files.length).toBe(313));
  it.each(files)('%s', (file) => {
    const data = parseConformanceData(readFileSync(path.join(testsDir, file), 'utf8'), file);
    const insns = assemble(data.asm!, { syntax: 'ubpf' }).insns;
    const r = verify(insns, { type: rawType(data.mem.length, CONFORMANCE_HELPERS) });
    const expected = CONFORMANCE_EXCEPTIONS[file];
    if (expected) expect(r.error?.reason).toBe(expected);
    else expect(r.accepted, r.log).toBe(true);
  });
});
