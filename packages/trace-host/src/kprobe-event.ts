/**
 * Turn a `kprobe_events` definition into a trace event: the record holds the probe address
 * and one field per fetch argument; fetches read the probed call's arguments (pt_regs
 * registers), its return value and — through `+OFFS(…)` — the linear memory (0 on a fault,
 * as ftrace records an unreadable address).
 */
import {
  compileTracepointFiller,
  type EventFieldSpec,
  type EventSink,
  type FieldAssign,
  layoutFields,
  TraceEvent,
} from './event.js';
import type { FetchArg, ProbeDefinition } from './kprobe-events.js';
import { BPF_ADDRESS_BASE, type LinearView, readCString, toNumber } from './linear.js';

/** Longest string a `:string` fetch records. */
export const PROBE_STRING_MAX = 128;

type Fetch = (a: readonly unknown[], ret: unknown) => unknown;

const REG_ARG: Record<string, number> = { di: 0, si: 1, dx: 2, cx: 3, r8: 4, r9: 5 };

export function compileKprobeEvent(
  sink: EventSink,
  def: ProbeDefinition,
  id: number,
  ip: number,
  mem: LinearView,
  comm: () => string,
): TraceEvent {
  const specs: EventFieldSpec[] = [];
  const ipFn: FieldAssign = () => ip;
  if (def.probe === 'p')
    specs.push({ name: '__probe_ip', type: 'unsigned long', from: ipFn, display: 'hex' });
  else {
    specs.push({ name: '__probe_func', type: 'unsigned long', from: ipFn, display: 'hex' });
    specs.push({ name: '__probe_ret_ip', type: 'unsigned long', from: () => 0, display: 'hex' });
  }
  for (const arg of def.args) {
    const isString = arg.type === 'string';
    const fetch = isString
      ? stringFetch(arg.fetch, mem, comm, ip)
      : valueFetch(arg.fetch, arg.type, mem, comm, ip, true);
    const from: FieldAssign = (a0, a1, a2, a3, a4, a5, ret) => fetch([a0, a1, a2, a3, a4, a5], ret);
    if (isString) specs.push({ name: arg.name, type: `char[${PROBE_STRING_MAX}]`, from, display: 'quoted' });
    else {
      const bits = arg.type.slice(1);
      specs.push({
        name: arg.name,
        type: `${arg.type[0] === 's' ? 's' : 'u'}${bits}`,
        from,
        display: arg.type[0] === 'x' ? 'hex' : undefined,
      });
    }
  }
  const { fields, size } = layoutFields(specs);
  const filler = (only?: ReadonlySet<string>) => compileTracepointFiller(id, fields, specs, mem, only);
  const prefix = def.probe === 'p' ? `(${def.symbol}+0x0)` : `(<js> <- ${def.symbol})`;
  return new TraceEvent(
    sink,
    def.probe === 'p' ? 'kprobe' : 'kretprobe',
    def.group,
    def.event,
    id,
    fields,
    size,
    [],
    filler,
    prefix,
  );
}

function regFetch(f: FetchArg & { kind: 'reg' }, ip: number): Fetch {
  const i = REG_ARG[f.reg];
  if (i !== undefined) return (a) => a[i];
  if (f.reg === 'ax') return (_a, ret) => ret;
  if (f.reg === 'ip') return () => ip;
  return () => 0;
}

/** A numeric fetch; `outer` loads `type`'s size at a dereference, inner dereferences load pointers. */
function valueFetch(
  f: FetchArg,
  type: string,
  mem: LinearView,
  comm: () => string,
  ip: number,
  outer: boolean,
): Fetch {
  switch (f.kind) {
    case 'reg':
      return regFetch(f, ip);
    case 'arg':
      return (a) => a[f.n - 1];
    case 'retval':
      return (_a, ret) => ret;
    case 'imm':
      return () => f.value;
    case 'comm':
      return () => comm();
    case 'deref': {
      const base = valueFetch(f.base, 'u64', mem, comm, ip, false);
      const size = outer ? Number(type.slice(1)) / 8 : 8;
      const signed = outer && type[0] === 's';
      return (a, ret) => load(mem, toNumber(base(a, ret)) + f.offset, size, signed);
    }
  }
}

function stringFetch(f: FetchArg, mem: LinearView, comm: () => string, ip: number): Fetch {
  if (f.kind === 'comm') return () => comm();
  const addr: Fetch =
    f.kind === 'deref'
      ? (
          (base) => (a, ret) =>
            toNumber(base(a, ret)) + f.offset
        )(valueFetch(f.base, 'u64', mem, comm, ip, false))
      : valueFetch(f, 'u64', mem, comm, ip, true);
  return (a, ret) => {
    const v = addr(a, ret);
    if (typeof v === 'string') return v;
    return readCString(mem, toNumber(v), PROBE_STRING_MAX - 1) ?? '(fault)';
  };
}

function load(mem: LinearView, addr: number, size: number, signed: boolean): number | bigint {
  const off = addr - BPF_ADDRESS_BASE;
  if (off < 0 || off + size > mem.bytes.length) return 0;
  const dv = mem.view;
  switch (size) {
    case 1:
      return signed ? dv.getInt8(off) : dv.getUint8(off);
    case 2:
      return signed ? dv.getInt16(off, true) : dv.getUint16(off, true);
    case 4:
      return signed ? dv.getInt32(off, true) : dv.getUint32(off, true);
    default:
      return signed ? dv.getBigInt64(off, true) : dv.getBigUint64(off, true);
  }
}
