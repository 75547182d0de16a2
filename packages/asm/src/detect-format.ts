/**
 * What a program file holds, judged from its bytes and name — the one rule every tool uses:
 * ELF and RFC 2013 images by their magic; other bytes are raw instructions unless they read as
 * text; text is C when the name ends in `.c`/`.h`, hex when it is only hex digits, else assembly.
 */
import { isRfcImage } from './rfc-image/index.js';

export type ObjectFormat = 'elf' | 'c' | 'asm' | 'rfc-image' | 'raw' | 'hex';

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

export function detectFormat(input: Uint8Array | string, fileName = ''): ObjectFormat {
  if (typeof input !== 'string') {
    if (ELF_MAGIC.every((b, i) => input[i] === b)) return 'elf';
    if (isRfcImage(input)) return 'rfc-image';
    const text = new TextDecoder('utf-8', { fatal: false }).decode(input);
    if (/[\x00-\x08\x0e-\x1f]/.test(text) || text.includes('\uFFFD')) return 'raw';
    return detectFormat(text, fileName);
  }
  if (/\.[ch]$/.test(fileName)) return 'c';
  if (/^[\s0-9a-fA-F]+$/.test(input) && /[0-9a-fA-F]{2}/.test(input)) return 'hex';
  return 'asm';
}
