// Compile time of the RFC's filter: `npx vitest bench` in this package.
import { readFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { compile } from './compile.js';

const source = readFileSync(new URL('../examples/rfc-filter.c', import.meta.url), 'utf8');

describe('compile the RFC filter', () => {
  bench('tbpf cc (warm)', () => {
    compile(source, { fileName: 'filter.c' });
  });
});
