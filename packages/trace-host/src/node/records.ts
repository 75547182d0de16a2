/**
 * The records of Node's events come from one place: `<tbpf/node.h>`, the header filters
 * include. Event `X` is `struct node_X`; its first member is `struct trace_entry ent` (the
 * common fields), the rest are the event's fields in order. Parsed once with cc-frontend's
 * layout engine.
 */
import { BUNDLED_HEADERS, parseDeclarations } from '@tbpf/cc-frontend';

export const NODE_HEADER = 'tbpf/node.h';

export interface NodeRecordField {
  name: string;
  /** The C type as an event field takes it: `unsigned short`, `char[16]`. */
  type: string;
  /** Offset in the record, common header included (what the `format` file must say). */
  offset: number;
}

let parsed: Map<string, NodeRecordField[]> | undefined;

/** Each Node event's fields, by event name (`http_server_response_finish`). */
export function nodeRecords(): Map<string, NodeRecordField[]> {
  if (parsed) return parsed;
  const header = BUNDLED_HEADERS.get(NODE_HEADER);
  if (header === undefined) throw new Error(`<${NODE_HEADER}> is not bundled with @tbpf/cc-frontend`);
  const decls = parseDeclarations(`#include <${NODE_HEADER}>\n`, { fileName: 'node-events.h' });
  const out = new Map<string, NodeRecordField[]>();
  for (const [tag, layout] of decls.structs) {
    if (!tag.startsWith('node_')) continue;
    const [ent, ...rest] = layout.fields;
    if (ent?.ctype !== 'struct trace_entry')
      throw new Error(`struct ${tag} in <${NODE_HEADER}> must start with struct trace_entry`);
    out.set(
      tag.slice('node_'.length),
      rest.map((f) => ({ name: f.name, type: f.ctype.replace(/\s+\[/, '['), offset: f.offset })),
    );
  }
  parsed = out;
  return out;
}
