/**
 * The prototypes against the running kernel's own description of its helpers: each
 * `BPF_CALL_n(bpf_name, …)` is a FUNC in the kernel's BTF (/sys/kernel/btf/vmlinux) whose
 * parameters are named after the arguments the helper takes and `__ur_N` for the unused ones.
 * Skipped where the kernel exposes no BTF.
 */
import { existsSync, readFileSync } from 'node:fs';
import { type BtfType, linuxHelperName, readBtf } from '@tbpf/asm';
import { describe, expect, it } from 'vitest';
import { LAST_LINUX_HELPER, LINUX_HELPER_PROTOTYPES } from './linux-prototypes.js';

const VMLINUX = '/sys/kernel/btf/vmlinux';

/** Arguments the verifier fills in itself (kernel-internal), or that Linux leaves unchecked. */
const HIDDEN: Record<string, string> = {
  trace_printk: 'the three values are not checked (variadic)',
  sk_storage_get: 'gfp_flags, set by the verifier',
  inode_storage_get: 'gfp_flags, set by the verifier',
  task_storage_get: 'gfp_flags, set by the verifier',
  cgrp_storage_get: 'gfp_flags, set by the verifier',
  timer_set_callback: 'aux, set by the verifier',
};

describe('Linux helper prototypes', () => {
  it('cover every id from 1 to the last, named as Linux names them', () => {
    for (let id = 1; id <= LAST_LINUX_HELPER; id++) {
      expect(`bpf_${LINUX_HELPER_PROTOTYPES.get(id)?.name}`).toBe(linuxHelperName(id));
    }
  });

  it.skipIf(!existsSync(VMLINUX))(
    "take as many arguments as the kernel's BPF_CALL functions (its BTF)",
    () => {
      const btf = readBtf(new Uint8Array(readFileSync(VMLINUX)), 'little');
      const funcs = new Map<string, BtfType>();
      for (const t of btf.types) if (t.kind === 'func') funcs.set(t.name, btf.types[t.type]);
      let compared = 0;
      const differ: string[] = [];
      for (const p of LINUX_HELPER_PROTOTYPES.values()) {
        const proto = funcs.get(`bpf_${p.name}`);
        if (proto?.kind !== 'func_proto' || HIDDEN[p.name]) continue;
        const used = proto.params.filter((x) => !x.name.startsWith('__ur_')).map((x) => x.name);
        const ours = p.args.filter((a) => a !== 'dontcare').length;
        compared++;
        if (used.length !== ours)
          differ.push(`bpf_${p.name}: the kernel's takes (${used.join(', ')}), tbpf's ${ours}`);
      }
      expect(differ).toEqual([]);
      expect(compared).toBeGreaterThan(150);
    },
  );
});
