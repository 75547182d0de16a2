/**
 * State shared by the lowering modules during one pass, and constant blinding: with
 * `blind`, every user-chosen immediate reaches the code only as `imm ^ r` followed by
 * `xor r` with a fresh random `r` (Linux's bpf_jit_harden), so no user constant appears
 * verbatim in executable memory. Blinded sequences have a fixed size whatever the values.
 */
import type { CodeBuffer } from '../x64/code-buffer.js';
import { ALU_RR, aluRR, loadImm, movabs, movRIsx, movXorImm } from '../x64/instructions.js';
import { AUX } from '../x64/registers.js';

/** See ./memory.ts. */
export type Addressing = 'segment' | 'confined' | 'direct';

/**
 * A memory operand: base and index registers (index NO_INDEX for none) and displacement. Each
 * compilation has one, which every access overwrites (./memory.ts).
 */
export interface Operand {
  base: number;
  index: number;
  disp: number;
}

export interface Ctx {
  buf: CodeBuffer;
  /** The operand of the access being lowered. */
  operand: Operand;
  /** A source of random 32-bit values when blinding, otherwise null. */
  random: (() => number) | null;
  /** How memory accesses find the linear memory (see ./memory.ts). */
  addressing: Addressing;
}

/** Fills an array with cryptographically random values. */
export type RandomFill = (values: Int32Array) => void;

const webCryptoFill: RandomFill = (values) => {
  globalThis.crypto.getRandomValues(values);
};

/** xorshift32: deterministic per seed, for reproducible blinded code in tests. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s | 0;
  };
}

/**
 * Random values for blinding from `fill` (default Web Crypto's getRandomValues), in batches: one
 * pool per fill function, shared by every compilation (each value is used once), so a small
 * program takes a few values rather than a fill of its own.
 */
const pools = new WeakMap<RandomFill, { values: Int32Array; next: number }>();

export function cryptoRandom(fill: RandomFill = webCryptoFill): () => number {
  let pool = pools.get(fill);
  if (!pool) {
    pool = { values: new Int32Array(1024), next: 1024 };
    pools.set(fill, pool);
  }
  const p = pool;
  return () => {
    if (p.next === p.values.length) {
      fill(p.values);
      p.next = 0;
    }
    return p.values[p.next++];
  };
}

/**
 * Put `imm` (sign-extended to 64 bits, or a 32-bit value) in `dst`, blinded when requested. A
 * zero has nothing to blind (Linux's blinding turns `mov dst, 0` into `xor dst, dst` too): no
 * immediate reaches the code for it.
 */
export function movImm(ctx: Ctx, w64: boolean, dst: number, imm: number): void {
  const { buf, random } = ctx;
  if (!random || imm === 0) {
    loadImm(buf, w64, dst, imm);
    return;
  }
  const r = random();
  movXorImm(buf, w64, dst, imm ^ r, r); // mov dst, imm ^ r; xor dst, r (64-bit: both sign-extended)
}

/**
 * With blinding, materialise an immediate operand in AUX and return AUX; without (or for a
 * zero, which has nothing to blind), return -1 and the caller uses the instruction's immediate
 * form.
 */
export function blindedOperand(ctx: Ctx, w64: boolean, imm: number): number {
  if (!ctx.random || imm === 0) return -1;
  movImm(ctx, w64, AUX, imm);
  return AUX;
}

/** dst = the 64-bit constant hi:lo, in the shortest form, blinded when requested. */
export function movImm64(ctx: Ctx, dst: number, lo: number, hi: number): void {
  const { buf, random } = ctx;
  if (random && (lo | hi) !== 0) {
    const rlo = random();
    const rhi = random();
    movabs(buf, dst, lo ^ rlo, hi ^ rhi); // movabs dst, v ^ r
    movabs(buf, AUX, rlo, rhi); // movabs r10, r
    aluRR(buf, ALU_RR.xor, true, dst, AUX); // xor dst, r10
  } else if (hi === 0) {
    loadImm(buf, false, dst, lo);
  } else if (hi === -1 && lo < 0) {
    movRIsx(buf, dst, lo);
  } else {
    movabs(buf, dst, lo, hi);
  }
}
