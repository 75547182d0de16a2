/** ftrace's text layout for the `trace` and `trace_pipe` files. */

/** `            node-4242    [000] .....  1234.567890: ` */
export function linePrefix(comm: string, pid: number, cpu: number, tsNs: number): string {
  const secs = Math.floor(tsNs / 1e9);
  const usecs = Math.floor((tsNs - secs * 1e9) / 1e3);
  return `${comm.padStart(16)}-${String(pid).padEnd(7)} [${String(cpu).padStart(3, '0')}] ..... ${String(secs).padStart(5)}.${String(usecs).padStart(6, '0')}: `;
}

export function traceHeader(entries: number, written: number, cpus: number): string {
  return [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: ${entries}/${written}   #P:${cpus}`,
    '#',
    '#                                _-----=> irqs-off/BH-disabled',
    '#                               / _----=> need-resched',
    '#                              | / _---=> hardirq/softirq',
    '#                              || / _--=> preempt-depth',
    '#                              ||| / _-=> migrate-disable',
    '#                              |||| /     delay',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
    '',
  ].join('\n');
}

/** What trace_pipe prints when events were lost since the last read. */
export function lostLine(cpu: number, n: number): string {
  return `CPU:${cpu} [LOST ${n} EVENTS]`;
}
