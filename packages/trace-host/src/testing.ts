/**
 * Test seams for hosts of trace-host (like aya's `override_syscall`): a fake clock, pid, comm,
 * CPU and stack, and a probe registry that records what was wrapped.
 */
import { FunctionRegistry, type ProbeHooks } from './function-registry.js';
import { type HostSeam, setDefaultSeam } from './seam.js';

export interface FakeSeamOptions {
  /** First timestamp in ns (default 1_000_000_000 = 1 s). */
  start?: number;
  /** Nanoseconds the clock advances per reading (default 1000 = 1 µs). */
  step?: number;
  pid?: number;
  comm?: string;
  cpu?: number;
  stack?: string[];
}

export interface FakeSeam extends HostSeam {
  /** Set the clock to `ns`. */
  setTime(ns: number): void;
}

/** A deterministic seam: the clock steps by `step` ns per reading. */
export function fakeSeam(o: FakeSeamOptions = {}): FakeSeam {
  let t = o.start ?? 1_000_000_000;
  const step = o.step ?? 1000;
  return {
    now: () => {
      const v = t;
      t += step;
      return v;
    },
    pid: () => o.pid ?? 4242,
    comm: () => o.comm ?? 'node',
    cpu: () => o.cpu ?? 0,
    stack: () => o.stack ?? ['kfree_skb (host.js:10:3)', 'main (host.js:20:1)'],
    setTime: (ns) => {
      t = ns;
    },
  };
}

/**
 * Replace the process-wide default seam (used by hosts created afterwards). Returns a handle
 * whose `restore()` (or `[Symbol.dispose]`) puts the previous one back.
 */
export function overrideSeam(seam: HostSeam): { restore(): void; [Symbol.dispose](): void } {
  const prev = setDefaultSeam(seam);
  const restore = () => {
    setDefaultSeam(prev);
  };
  return { restore, [Symbol.dispose]: restore };
}

/** A FunctionRegistry that logs attach/detach calls (`attach:name`, `detach:name`). */
export class RecordingRegistry extends FunctionRegistry {
  readonly log: string[] = [];
  override attach(name: string, hooks: ProbeHooks): void {
    this.log.push(`attach:${name}`);
    super.attach(name, hooks);
  }
  override detach(name: string, hooks: ProbeHooks): void {
    this.log.push(`detach:${name}`);
    super.detach(name, hooks);
  }
}
