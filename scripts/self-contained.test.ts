/**
 * The repository tests itself: a clone has nothing beside it, so no file may point at a folder
 * outside the repository (third-party data is vendored under third_party/ with its licence).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { benchPrograms, bpfConformanceTests, rfcCoverLetterFilter } from '@tbpf/third-party';
import { describe, expect, test } from 'vitest';

const root = resolve(__dirname, '..');
const shared = 'shared'; // spelled apart so that this file does not match its own patterns
const OUTSIDE = [
  new RegExp(`\\.\\./${shared}\\b`), // a relative path up and into it
  new RegExp(`/work/${shared}\\b`),
  new RegExp(`'\\.\\.',\\s*'${shared}'`), // the same path joined from its parts
];

/** Every file git would commit: tracked ones and new ones that are not ignored. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  return [...new Set(out.toString('utf8').split('\0').filter(Boolean))];
}

describe('the repository is self-contained', () => {
  test('no file refers to a folder beside the repository', () => {
    const offenders: string[] = [];
    for (const file of repositoryFiles()) {
      let text: string;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        continue; // deleted from the work tree but still in the index
      }
      text.split('\n').forEach((line, i) => {
        if (OUTSIDE.some((re) => re.test(line))) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  test('the patterns catch what they are for', () => {
    const hits = (line: string) => OUTSIDE.some((re) => re.test(line));
    expect(hits(`const dir = path.resolve(__dirname, '../../../../${shared}/conformance/tests');`)).toBe(
      true,
    );
    expect(hits(`see /work/${shared}/bench/README.md`)).toBe(true);
    expect(hits(`join(root, '..', '${shared}', 'bench', 'progs')`)).toBe(true);
    expect(hits("a shared loop's call site")).toBe(false);
  });

  test('the vendored data is inside the repository and complete', () => {
    for (const path of [bpfConformanceTests, benchPrograms, rfcCoverLetterFilter]) {
      expect(resolve(path).startsWith(`${root}/third_party/`), path).toBe(true);
    }
    const files = repositoryFiles();
    expect(
      files.filter((f) => f.startsWith('third_party/bpf_conformance/tests/') && f.endsWith('.data')),
    ).toHaveLength(313);
    for (const f of ['LICENSE', 'UPSTREAM_COMMIT'])
      expect(files).toContain(`third_party/bpf_conformance/${f}`);
    expect(readFileSync(join(root, 'third_party/bpf_conformance/UPSTREAM_COMMIT'), 'utf8')).toMatch(
      /^[0-9a-f]{40}\n$/,
    );
  });
});
