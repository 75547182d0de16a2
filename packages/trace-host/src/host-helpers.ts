/**
 * Helpers the vm leaves to the host: the current task's identity. Everything else a tracing
 * program calls (maps, probe reads, trace_printk, ktime, the RFC's memcmp / load_pointer /
 * dump_stack, ring buffer output) is vm's standard set, wired to this host through the
 * runtime's hooks (printk sink, clock, dumpStack).
 */
import { EFAULT, type HelperFn, type HelperPrototype } from '@tbpf/vm';
import type { HostSeam } from './seam.js';

/** Linux's ids. */
export const HOST_HELPER = {
  get_current_pid_tgid: 14,
  get_current_comm: 16,
} as const;

export function hostHelpers(seam: HostSeam): [HelperPrototype, HelperFn][] {
  const encoder = new TextEncoder();
  return [
    [
      { id: HOST_HELPER.get_current_pid_tgid, name: 'get_current_pid_tgid', args: [], ret: 'integer' },
      (call) => {
        // tgid in the upper half, pid in the lower: one thread, so both are the process id.
        const pid = seam.pid() >>> 0;
        call.set64(pid, pid);
        return undefined;
      },
    ],
    [
      {
        id: HOST_HELPER.get_current_comm,
        name: 'get_current_comm',
        args: ['ptr_to_uninit_mem', 'const_size'],
        ret: 'integer',
      },
      (call) => {
        const size = call.num(2);
        const off = call.offset(1);
        const mem = call.runtime.memory;
        const region = off >= 0 && size > 0 ? mem.regionAt(off, size) : undefined;
        if (!region || !region.writable) return -EFAULT;
        const name = encoder.encode(seam.comm()).subarray(0, size - 1);
        mem.bytes.set(name, off);
        mem.bytes.fill(0, off + name.length, off + size);
        return 0;
      },
    ],
  ];
}
