import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verify } from './index.js';
import { parseCorpus } from './testing/corpus.js';

const corpusDir = path.resolve(__dirname, '../test-corpus');
const list = (kind: string) =>
  readdirSync(path.join(corpusDir, kind))
    .filter((f) => f.endsWith('.s'))
    .sort();

describe('unsafe corpus: every program is rejected with its expected reason', () => {
  const files = list('unsafe');
  it('has at least 150 programs', () => expect(files.length).toBeGreaterThanOrEqual(150));
  it.each(files)('%s', (file) => {
    const p = parseCorpus(readFileSync(path.join(corpusDir, 'unsafe', file), 'utf8'), file);
    expect(p.expect, 'the file names its expected reason').not.toBe('');
    const r = verify(p.insns, p.options);
    const log = () => verify(p.insns, { ...p.options, logLevel: 2 }).log;
    if (r.error?.reason !== p.expect) expect(r.error?.reason, log()).toBe(p.expect);
    expect(r.accepted).toBe(false);
  });
});

describe('safe corpus: every program is accepted', () => {
  const files = list('safe');
  it('has at least 50 programs', () => expect(files.length).toBeGreaterThanOrEqual(50));
  it.each(files)('%s', (file) => {
    const p = parseCorpus(readFileSync(path.join(corpusDir, 'safe', file), 'utf8'), file);
    const r = verify(p.insns, { ...p.options, logLevel: 2 });
    expect(r.error?.reason ?? '', r.log).toBe('');
    expect(r.accepted).toBe(true);
    expect(r.log).toMatch(
      /^processed \d+ insns \(limit 1000000\) max_states_per_insn \d+ total_states \d+ peak_states \d+ mark_read \d+$/m,
    );
  });
});
