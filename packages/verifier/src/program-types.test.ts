import { assemble } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { builtinType, programTypeForSection, programTypeForUnknownSection } from './index.js';

describe('program types by name and section', () => {
  it("follows libbpf's section names, attach types included", () => {
    expect(programTypeForSection('xdp_prog')).toMatchObject({ name: 'xdp', attach: 'xdp' });
    expect(programTypeForSection('cgroup/recvmsg4')).toMatchObject({
      name: 'cgroup_sock_addr',
      ret: { min: 1, max: 1 },
    });
    expect(programTypeForSection('bind')).toBeUndefined();
    expect(builtinType('tc')?.name).toBe('sched_cls');
    expect(builtinType('nope')).toBeUndefined();
  });

  it('types a section libbpf does not know by what the program uses: tc-only helpers or fields make it sched_cls', () => {
    const type = (text: string) => programTypeForUnknownSection(assemble(text).insns).name;
    expect(type('r0 = *(u32 *)(r1 + 0)\nexit')).toBe('socket_filter');
    expect(type('r6 = r1\nr2 = *(u32 *)(r6 + 80)\nr0 = 0\nexit')).toBe('sched_cls');
    expect(type('r1 = 1\nr2 = 0\ncall 23\nexit')).toBe('sched_cls'); // bpf_redirect
    // r1 no longer holds the context after a call.
    expect(type('call 7\nr2 = *(u32 *)(r1 + 80)\nr0 = 0\nexit')).toBe('socket_filter');
  });
});
