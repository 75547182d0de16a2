/**
 * Node.js processes as trace hosts: Node's own events, the per-process host and its control
 * socket, finding traced processes, and attaching to a running one through its inspector.
 */
export {
  AttachError,
  type AttachErrorCode,
  type AttachOptions,
  type AttachResult,
  attachProcess,
} from './attach.js';
export type { AttachedHost } from './attach-entry.js';
export { moduleFunctionResolver, resolveModuleFunction } from './module-functions.js';
export { defineNodeEvents, NODE_SYSTEM, type NodeEventsOptions } from './node-events.js';
export {
  currentProcessHost,
  type ProcessHost,
  type ProcessHostMode,
  type ProcessHostOptions,
  startProcessHost,
} from './process-host.js';
export { NODE_HEADER, type NodeRecordField, nodeRecords } from './records.js';
export {
  commandLine,
  controlSocketDir,
  controlSocketPath,
  ensureControlSocketDir,
  findControlSocket,
  isAlive,
  listTracedProcesses,
  SocketDirError,
  servedControlSocket,
  type TracedProcess,
} from './socket-dir.js';
