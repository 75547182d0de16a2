import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_HELPERS, rawType, verify } from './index.js';

const repoRoot = path.resolve(__dirname, '../../..');
const testsDir = path.resolve(repoRoot, '../shared/conformance/tests');

/** The `-- name` sections of a bpf_conformance `.data` file. */
function sections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const m = /^-- (\w[\w ]*)$/.exec(line.trim());
    if (m) {
      current = m[1];
      out[current] = '';
    } else if (current) out[current] += `${line}\n`;
  }
  return out;
}

/**
 * Conformance programs the verifier rejects, with the real unsafety (see README.md). Anything
 * not listed here must be accepted.
 */
export const CONFORMANCE_EXCEPTIONS: Record<string, string> = {};

const files = readdirSync(testsDir).filter((f) => f.endsWith('.data'));

describe('conformance programs under the raw program type', () => {
  it('finds the suite', () => expect(files.length).toBe(313));
  it.each(files)('%s', (file) => {
    const s = sections(readFileSync(path.join(testsDir, file), 'utf8'));
    const memSize = (s.mem ?? '').split(/\s+/).filter(Boolean).length;
    const insns = assemble(s.asm!, { syntax: 'ubpf' }).insns;
    const r = verify(insns, { type: rawType(memSize, CONFORMANCE_HELPERS) });
    const expected = CONFORMANCE_EXCEPTIONS[file];
    if (expected) expect(r.error?.reason).toBe(expected);
    else expect(r.accepted, r.log).toBe(true);
  });
});
