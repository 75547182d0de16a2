import { exit, jeq, mov, R1, R2 } from '@tbpf/isa';
import { describe, expect, it, vi } from 'vitest';
import { compile } from './compile.js';

// Size bounds of 1 byte per instruction: every forward jump is emitted short, and one over 20
// blinded movs (280 bytes) does not reach.
vi.mock('./size-bounds.js', () => ({
  FUNCTION_BOUND: 96,
  sizeBounds: () => new Uint8Array(256).fill(1),
}));

describe('a size bound that is too small', () => {
  it('costs a second pass with near forward jumps, not wrong code', () => {
    const far = Array.from({ length: 20 }, () => mov.imm(R2, 0x12345678));
    const r = compile([jeq.imm(R1, 0, 20), ...far, exit()], { blind: { seed: 3 } });
    if (!r.ok) throw r.error;
    const { code, insnOffsets } = r.program;
    expect(r.program.passes).toBe(2);
    // test rdi, rdi; je rel32 to the exit's code (the epilogue: the exit is the last instruction)
    expect([code[insnOffsets[0] + 3], code[insnOffsets[0] + 4]]).toEqual([0x0f, 0x84]);
    const rel = new DataView(code.buffer, code.byteOffset).getInt32(insnOffsets[0] + 5, true);
    expect(insnOffsets[0] + 9 + rel).toBe(insnOffsets[21]);
  });
});
