export * from './arena.js';
export * from './bpf-filter.js';
export * from './control-plane.js';
export * from './control-socket.js';
export * from './event.js';
export * from './field-types.js';
export * from './filter-program.js';
export {
  compileFilterC,
  pickProgram,
  programFromC,
  programFromElf,
  programFromRfcImage,
} from './filter-sources.js';
export * from './function-registry.js';
export * from './host-helpers.js';
export * from './kprobe-events.js';
export { BPF_ADDRESS_BASE, type HostValue } from './linear.js';
export * from './map-dump.js';
export * from './predicate-compile.js';
export * from './predicate-parse.js';
export * from './pt-regs.js';
export * from './ring-buffer.js';
export { captureStack, defaultSeam, type HostSeam, realSeam } from './seam.js';
export * from './trace-format.js';
export * from './trace-host.js';
