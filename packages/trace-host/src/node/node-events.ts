/**
 * Node's own events as tracepoints under events/node/<event>: the record of each is
 * `struct node_<event>` in <tbpf/node.h>, filled from the JavaScript objects Node publishes
 * (./sources.ts). An event subscribes to its source when it is enabled and unsubscribes when
 * it is disabled; filters see the record (ctx=record, Linux's tracepoint programs).
 */
import type { EventFieldSpec, FieldAssign, TraceEvent } from '../event.js';
import type { TraceHost } from '../trace-host.js';
import { NODE_HEADER, nodeRecords } from './records.js';
import { NODE_EVENT_SOURCES, type NodeSourceOptions } from './sources.js';

export const NODE_SYSTEM = 'node';

export type NodeEventsOptions = NodeSourceOptions;

/** Define every Node event on `host` (all disabled). */
export function defineNodeEvents(host: TraceHost, options: NodeEventsOptions = {}): TraceEvent[] {
  const records = nodeRecords();
  for (const name of Object.keys(NODE_EVENT_SOURCES))
    if (!records.has(name)) throw new Error(`<${NODE_HEADER}> has no struct node_${name}`);
  const events: TraceEvent[] = [];
  for (const [name, fields] of records) {
    const source = NODE_EVENT_SOURCES[name];
    if (!source) throw new Error(`struct node_${name} in <${NODE_HEADER}> has no event source`);
    const specs: EventFieldSpec[] = fields.map((f) => {
      const from = source.fields[f.name];
      if (!from) throw new Error(`node/${name}: no value for field ${f.name}`);
      return { name: f.name, type: f.type, from: from as unknown as FieldAssign };
    });
    const extra = Object.keys(source.fields).filter((k) => !fields.some((f) => f.name === k));
    if (extra.length > 0)
      throw new Error(`node/${name}: fields not in <${NODE_HEADER}>: ${extra.join(', ')}`);
    let stop: (() => void) | null = null;
    const ev = host.defineEvent(NODE_SYSTEM, name, specs, {
      args: [],
      contexts: ['record'],
      onEnable: (on) => {
        if (on) stop = source.watch((a0, a1) => ev.emit(a0, a1), options);
        else {
          stop?.();
          stop = null;
        }
      },
    });
    // The header is what filters compile against: the format must lay the record out the same way.
    for (const f of fields) {
      const laid = ev.field(f.name);
      if (laid?.offset !== f.offset)
        throw new Error(
          `node/${name}: field ${f.name} at offset ${laid?.offset} in the format, ${f.offset} in <${NODE_HEADER}>`,
        );
    }
    events.push(ev);
  }
  return events;
}
