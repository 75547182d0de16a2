/** Oracles and inputs for testing packet programs (Node only: the kernel oracle runs a process). */
export {
  buildTestRunOracle,
  fromHex,
  type KernelProgram,
  type KernelRun,
  type KernelSession,
  kernelTestRun,
  toHex,
} from './kernel-test-run.js';
export {
  comparePacketProgram,
  type Outcome,
  type PacketCase,
  type ProgramComparison,
} from './packet-differential.js';
export { randomPackets, standardPackets, type TestPacket } from './packets.js';
