import type { Runtime } from '../runtime.js';
import type { PacketContext } from './context.js';
import { FlowDissectorContext } from './flow-dissector.js';
import { packetKindOf } from './layout.js';
import { SkbContext } from './skb.js';
import { XdpContext } from './xdp.js';

/**
 * The packet context a program of Linux type `programType` runs `data` with — what
 * BPF_PROG_TEST_RUN builds from data_in and ctx_in — or undefined when the type does not run
 * on packets. Throws VmError('packet') for input the test run refuses. Dispose it after use.
 */
export function createPacketContext(
  runtime: Runtime,
  programType: string,
  data: Uint8Array,
  ctx?: Uint8Array,
): PacketContext | undefined {
  switch (packetKindOf(programType)) {
    case 'skb':
      return new SkbContext(runtime, programType, data, ctx);
    case 'xdp':
      return new XdpContext(runtime, data, ctx);
    case 'flow_dissector':
      return new FlowDissectorContext(runtime, data, ctx);
    default:
      return undefined;
  }
}
