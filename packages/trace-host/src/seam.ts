/**
 * The host seam: everything trace-host asks of the world outside it (clock, process identity,
 * CPU number, the JavaScript stack). Tests swap it — per host with `createTraceHost({ seam })`
 * or process-wide with `overrideSeam` from `@tbpf/trace-host/testing` (like aya's
 * `override_syscall`) — so trace output is deterministic.
 */
export interface HostSeam {
  /** Monotonic nanoseconds (a JS number; precision is the platform's). */
  now(): number;
  /** The task id shown in trace lines and returned by bpf_get_current_pid_tgid. */
  pid(): number;
  /** The task name (Linux's comm, at most 15 bytes). */
  comm(): string;
  /** The CPU shown in trace lines and returned by bpf_get_smp_processor_id. */
  cpu(): number;
  /** Stack frames of the caller, innermost first, without trace-host's own frames. */
  stack(): string[];
}

const origin = performance.now();

function processInfo(): { pid: number; comm: string } {
  const proc = (globalThis as { process?: { pid?: number; title?: string; argv0?: string } }).process;
  const title = proc?.title ?? proc?.argv0 ?? 'js';
  const base = title.split(/[\\/]/).pop() ?? title;
  return { pid: proc?.pid ?? 0, comm: base.slice(0, 15) };
}

/** Frames that belong to trace-host itself are cut so a stack dump starts at the probed code. */
const OWN_FRAME = /[\\/]trace-host[\\/](src|dist)[\\/]/;

export function captureStack(): string[] {
  const text = new Error('stack').stack ?? '';
  const frames = text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^at /, ''));
  return frames.filter((f) => !OWN_FRAME.test(f));
}

/** The real process: performance.now(), process.pid, process.title, CPU 0. */
export function realSeam(): HostSeam {
  const info = processInfo();
  return {
    now: () => (performance.now() - origin) * 1e6,
    pid: () => info.pid,
    comm: () => info.comm,
    cpu: () => 0,
    stack: captureStack,
  };
}

let processSeam: HostSeam = realSeam();

/** The seam new hosts get when none is passed. */
export function defaultSeam(): HostSeam {
  return processSeam;
}

/** Replace the process-wide default seam; returns the previous one. Used by ./testing. */
export function setDefaultSeam(seam: HostSeam): HostSeam {
  const prev = processSeam;
  processSeam = seam;
  return prev;
}
