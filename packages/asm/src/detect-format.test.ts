import { expect, it } from 'vitest';
import { detectFormat } from './index.js';

it('tells formats apart by content, and C by its file name', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  expect(detectFormat(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2]))).toBe('elf');
  expect(detectFormat(Uint8Array.from([0x62, 0x70, 0x66, 0, 1]))).toBe('rfc-image');
  expect(detectFormat(Uint8Array.from([0x95, 0, 0, 0, 0, 0, 0, 0]))).toBe('raw');
  expect(detectFormat(text('95 00 00 00 00 00 00 00\n'))).toBe('hex');
  expect(detectFormat(text('exit\n'))).toBe('asm');
  expect(detectFormat(text('int f(void) { return 0; }\n'), 'f.c')).toBe('c');
  expect(detectFormat('r0 = 1\nexit\n', 'p.s')).toBe('asm');
});
