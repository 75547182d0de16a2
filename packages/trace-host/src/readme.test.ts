import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

it('the README example prints what the README says', async () => {
  const readme = readFileSync(path.join(here, '../README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const expected = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const file = path.join(here, `readme-example.${process.pid}.tmp.ts`);
  writeFileSync(
    file,
    code
      .replace("from '@tbpf/trace-host/testing'", "from './testing.js'")
      .replace("from '@tbpf/trace-host'", "from './index.js'"),
  );
  const out: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  try {
    await import(file);
  } finally {
    spy.mockRestore();
    rmSync(file);
  }
  // The instruction count follows the compiler's code generation, not this package.
  const stable = (t: string) => t.replace(/\d+ insns/, 'N insns');
  expect(stable(`${out.join('\n')}\n`)).toBe(stable(expected));
}, 30_000);
