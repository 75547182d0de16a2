/**
 * The trace host of a Node.js process, as ./process-host.ts makes it (loaded only then: a
 * preloaded process pays for these modules once someone uses its control socket).
 */
import { FunctionRegistry } from '../function-registry.js';
import { TraceHost } from '../trace-host.js';
import { moduleFunctionResolver } from './module-functions.js';
import { defineNodeEvents, type NodeEventsOptions } from './node-events.js';

/** A host with Node's events (events/node/…) and probes on the functions modules export. */
export function createNodeHost(options: NodeEventsOptions): TraceHost {
  const host = new TraceHost({ registry: new FunctionRegistry(moduleFunctionResolver()) });
  defineNodeEvents(host, options);
  return host;
}
