import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it, vi } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

it('the README example prints what the README says', async () => {
  const readme = readFileSync(path.join(here, '../README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const expected = /prints\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  // Outside the tree (nothing stray to pack), importing this package's sources by absolute URL.
  const dir = mkdtempSync(path.join(tmpdir(), 'tbpf-readme-'));
  const file = path.join(dir, 'example.ts');
  const source = (name: string) => `from '${pathToFileURL(path.join(here, name)).href}'`;
  writeFileSync(
    file,
    code
      .replace("from '@tbpf/trace-host/testing'", source('testing.ts'))
      .replace("from '@tbpf/trace-host'", source('index.ts')),
  );
  const out: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out.push(a.join(' '));
  });
  try {
    await import(file);
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
  // The instruction count follows the compiler's code generation, not this package.
  const stable = (t: string) => t.replace(/\d+ insns/, 'N insns');
  expect(stable(`${out.join('\n')}\n`)).toBe(stable(expected));
}, 30_000);
