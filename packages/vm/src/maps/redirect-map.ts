/**
 * BPF_MAP_TYPE_DEVMAP, DEVMAP_HASH, CPUMAP and XSKMAP: the targets bpf_redirect_map sends an
 * XDP frame to (an interface, a CPU, an AF_XDP socket), by key. There are no devices, CPUs or
 * sockets here: the host fills entries with the target's number (`set`), as user space writes
 * ifindexes, queue sizes or socket fds into the map in Linux, and a run reports the redirect
 * (PacketRunResult.redirect) instead of sending the frame.
 */
import { VmError } from '../errors.js';
import { HostMap } from './host-map.js';

export class RedirectMap extends HostMap {
  private readonly targets = new Map<number, number>();

  /** Send key `key` to `target` (an ifindex, a CPU, a queue); undefined removes the entry. */
  set(key: number, target: number | undefined): void {
    if (!Number.isInteger(key) || key < 0 || key > 0xffff_ffff)
      throw new VmError('map', `redirect map ${this.name}: key ${key} is not a u32`);
    if (target === undefined) this.targets.delete(key);
    else this.targets.set(key, target >>> 0);
  }

  /** The target of `key`, if the entry exists. */
  get(key: number): number | undefined {
    return this.targets.get(key);
  }

  clear(): void {
    this.targets.clear();
  }
}
