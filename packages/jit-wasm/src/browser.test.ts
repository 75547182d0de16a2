import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

/** Every file that ships (not tests, not test support) must run in a browser: no Node.js modules. */
it('shipped sources import nothing from Node.js', () => {
  const files = readdirSync(__dirname, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'),
  );
  expect(files.length).toBeGreaterThan(15);
  const offenders = files.filter((f) =>
    /from ['"]node:|\brequire\(|\bprocess\.|\bBuffer\./.test(readFileSync(path.join(__dirname, f), 'utf8')),
  );
  expect(offenders).toEqual([]);
});
