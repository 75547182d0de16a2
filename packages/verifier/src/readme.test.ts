import { assemble } from '@tbpf/asm';
import { expect, it } from 'vitest';
import { kprobeType, rawType, standardHelperSet, VerifierError, verify, verifyOrThrow } from './index.js';

it('the README example runs as documented', () => {
  const { insns } = assemble('r0 = *(u64 *)(r1 + 12)\nexit\n');
  const r = verify(insns, { type: rawType(16), logLevel: 2 });
  expect(r.accepted).toBe(false);
  expect(r.error).toEqual({ insnIndex: 0, reason: 'invalid access to memory, mem_size=16 off=12 size=8' });
  expect(r.log).toBe(
    '0: (79) r0 = *(u64 *)(r1 +12)\ninvalid access to memory, mem_size=16 off=12 size=8\n' +
      'processed 1 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n',
  );
  expect(() => verifyOrThrow(insns, { type: kprobeType(standardHelperSet()) })).toThrow(VerifierError);
});
