/**
 * The README's example, run as written: its first `ts` block is transpiled (esbuild) and run
 * with the corpus folder as the current directory; each `// value` comment must be what the
 * expression before it gives.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { expect, it } from 'vitest';
import { corpus } from './compilers.test-util.js';
import * as api from './index.js';

const readme = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');
const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';

it('the example shows the whole cycle in under 15 lines', () => {
  expect(example.trim().split('\n').length).toBeLessThan(15);
});

it('the example runs and gives the values its comments show', () => {
  const seen: unknown[] = [];
  const want: string[] = [];
  // `expr; // value` becomes a recorded check; the imports become parameters.
  const body = example
    .split('\n')
    .filter((l) => !l.startsWith('import '))
    .map((line) => {
      const m = /^(.*?);\s*\/\/ ([^\s—(]+(?: [^\s—(]+)*?)(?:\s+[—(].*)?$/.exec(line);
      if (!m || m[1].startsWith('using ') || m[1].startsWith('const ')) return line;
      want.push(m[2]);
      return `__seen(${m[1]});`;
    })
    .join('\n');
  const js = transformSync(`(() => {\n${body}\n})()`, { loader: 'ts', target: 'es2022' }).code;
  const readFile = (p: string, enc?: BufferEncoding) => readFileSync(path.join(corpus, p), enc);
  const logs: unknown[][] = [];
  new Function('openObject', 'readFileSync', '__seen', 'console', js)(
    api.openObject,
    readFile,
    (v: unknown) => seen.push(v),
    { log: (...a: unknown[]) => logs.push(a) },
  );
  const show = (v: unknown): string =>
    typeof v === 'bigint'
      ? `${v}n`
      : Array.isArray(v)
        ? `[${v.map(show).join(', ')}]`
        : typeof v === 'string'
          ? `'${v}'`
          : v && typeof v === 'object'
            ? `{ ${Object.entries(v)
                .map(([k, x]) => `${k}: ${show(x)}`)
                .join(', ')} }`
            : String(v);
  expect(want.length).toBe(6);
  expect(seen.map(show)).toEqual(want);
  expect(logs).toEqual([
    [
      { pid: 42, comm: 'abc' },
      { count: 1n, last: -5, flags: [0, 0] },
    ],
  ]);
});
