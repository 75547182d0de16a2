/**
 * Running a loaded program the way the page asks: build the context its type calls for (fields
 * of a struct, or raw bytes), run it `repeat` times, then measure time per run.
 */
import type { Program, TypedMap } from '@tbpf/object';
import { type ProgramType, PT_REGS_FIELDS } from '@tbpf/verifier';
import {
  addressOf,
  ETH_HLEN,
  type PacketCtxFields,
  type PacketRunResult,
  packetCtxFieldNames,
  packetKindOf,
  type Region,
} from '@tbpf/vm';
import type { ContextField, ContextShape, RunResult, RunSettings } from './protocol.js';
import { mapViews } from './values.js';

/** Slots shown for a large context field (a tracepoint's record, raw_tracepoint's args). */
const MAX_SLOTS = 16;

/**
 * What to ask for to run a program of this type: its context's fields as inputs. The verifier
 * describes what may be accessed, so a large field becomes inputs a person can fill: a
 * `struct pt_regs` by register (`si`, `di`, …), other arrays by 8-byte slot (`args[0]`, …).
 */
export function contextShape(type: ProgramType): ContextShape {
  const packet = packetKindOf(type.name);
  if (packet) return { kind: 'packet', packet, fields: packetCtxFieldNames(packet) };
  const ctx = type.ctx;
  if (ctx.kind === 'memory') return { kind: 'memory', writable: ctx.writable };
  if (ctx.kind === 'btf')
    return {
      kind: 'none',
      reason: `${type.name} programs take the traced function's arguments (BTF), which a page cannot provide`,
    };
  const fields = ctx.fields.flatMap((f): ContextField[] => {
    const writable = (f.write?.length ?? 0) > 0;
    if (f.size <= 8) return [{ name: f.name, off: f.off, size: f.size, writable }];
    if (f.size === PT_REGS_FIELDS.length * 8 && f.name === 'regs')
      return PT_REGS_FIELDS.map((name, i) => ({ name, off: f.off + i * 8, size: 8, writable }));
    const slots = Math.min(Math.floor(f.size / 8), MAX_SLOTS);
    return Array.from({ length: slots }, (_, i) => ({
      name: `${f.name}[${i}]`,
      off: f.off + i * 8,
      size: 8,
      writable,
    }));
  });
  return { kind: 'fields', size: ctx.size, fields };
}

/** Hex bytes ("aa bb", "aabb", "0xaa 0xbb"); undefined when it is not hex. */
export function parseHex(text: string): Uint8Array | undefined {
  const digits = text.replace(/0x/gi, '').replace(/[\s,]/g, '');
  if (!/^([0-9a-f]{2})*$/i.test(digits)) return undefined;
  return Uint8Array.from(digits.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** An integer field value: decimal, hex (0x), negative; undefined when it is not one. */
export function parseInteger(text: string): bigint | undefined {
  const t = text.trim();
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) return undefined;
  return t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t);
}

class InputError extends Error {}

/**
 * The context bytes for `shape` from the page's inputs; strings become NUL-terminated copies in
 * the program's memory (`host` regions, read-only), passed by address.
 */
function contextBytes(
  program: Program,
  shape: ContextShape,
  settings: RunSettings,
  held: Region[],
): Uint8Array | undefined {
  if (shape.kind === 'none') throw new InputError(shape.reason);
  if (shape.kind === 'packet') throw new Error('internal: a packet program runs through packetInput');
  if (shape.kind === 'memory') {
    const bytes = parseHex(settings.ctxHex);
    if (!bytes)
      throw new InputError(
        `context bytes: expected hex like "aa bb 11", got '${settings.ctxHex.slice(0, 40)}'`,
      );
    return bytes.length ? bytes : undefined;
  }
  const bytes = new Uint8Array(shape.size);
  const view = new DataView(bytes.buffer);
  for (const f of shape.fields) {
    const text = settings.fields[f.name]?.trim();
    if (!text) continue;
    let value: bigint;
    if (text.startsWith('"')) {
      let s: string;
      try {
        s = JSON.parse(text);
      } catch {
        throw new InputError(`${f.name}: a string is written in double quotes, like "eth5"`);
      }
      if (f.size !== 8)
        throw new InputError(`${f.name}: a string is passed by address, which needs an 8-byte field`);
      const data = new TextEncoder().encode(`${s}\0`);
      const region = program.runtime.memory.alloc(Math.max(data.length, 16), {
        name: `${f.name} string`,
        kind: 'host',
        writable: false,
      });
      program.runtime.memory.write(region.start, data);
      held.push(region);
      value = addressOf(region.start);
    } else {
      const n = parseInteger(text);
      if (n === undefined)
        throw new InputError(`${f.name}: expected an integer (42, 0x2a, -1) or a "string", got '${text}'`);
      value = n;
    }
    const u = BigInt.asUintN(f.size * 8, value);
    if (f.size === 8) view.setBigUint64(f.off, u, true);
    else if (f.size === 4) view.setUint32(f.off, Number(u), true);
    else if (f.size === 2) view.setUint16(f.off, Number(u), true);
    else if (f.size === 1) view.setUint8(f.off, Number(u));
    else throw new InputError(`${f.name}: ${f.size}-byte fields cannot be set`);
  }
  return bytes;
}

/**
 * The packet (an all-zero Ethernet header when empty) and ctx_in from the fields given (none:
 * no ctx_in). An xdp_md's data_end defaults to the packet's length, as a test run wants it.
 */
function packetInput(
  settings: RunSettings,
  shape: Extract<ContextShape, { kind: 'packet' }>,
): { data: Uint8Array; ctx?: PacketCtxFields } {
  const hexData = parseHex(settings.packetHex);
  if (!hexData)
    throw new InputError(
      `packet: expected hex like "ff ff ff ff ff ff …", got '${settings.packetHex.slice(0, 40)}'`,
    );
  const data = hexData.length ? hexData : new Uint8Array(ETH_HLEN);
  const ctx: Record<string, number | bigint | number[]> = {};
  for (const name of shape.fields) {
    const text = settings.fields[name]?.trim();
    if (!text) continue;
    const values = text.split(',').map((t) => parseInteger(t));
    if (values.some((v) => v === undefined || v < 0n))
      throw new InputError(
        `${name}: expected an unsigned integer (42, 0x2a)${name === 'cb' ? ' or a list (1, 2)' : ''}, got '${text}'`,
      );
    const numbers = values as bigint[];
    ctx[name] =
      name === 'cb' ? numbers.map(Number) : numbers[0] > 0xffffffffn ? numbers[0] : Number(numbers[0]);
  }
  if (Object.keys(ctx).length === 0) return { data };
  if (shape.packet === 'xdp' && ctx.data_end === undefined) ctx.data_end = data.length;
  return { data, ctx };
}

/**
 * Run `settings.repeat` times (r0 of the last run, maps after all of them, trace_printk lines),
 * then keep running for `timingBudgetMs` to measure the mean time per run.
 */
export function runProgram(
  program: Program,
  maps: readonly TypedMap[],
  shape: ContextShape,
  settings: RunSettings,
  printk: { lines: string[]; on: boolean },
  timingBudgetMs: number,
): RunResult {
  const held: Region[] = [];
  const memory = program.runtime.memory;
  const base = { runs: 0, engine: program.engine, printk: printk.lines, r0: '', r0Signed: '' };
  try {
    let once: () => bigint;
    let last: PacketRunResult | undefined;
    if (shape.kind === 'packet') {
      const { data, ctx } = packetInput(settings, shape);
      // Each run on a fresh copy of the packet, as BPF_PROG_TEST_RUN makes one per call.
      once = () => {
        last = program.runPacket(data, ctx ? { ctx } : {});
        return last.r0;
      };
    } else {
      const region = program.allocContext(contextBytes(program, shape, settings, held));
      if (region) held.push(region);
      once = () => (region ? program.run(region) : program.run());
    }
    let r0 = 0n;
    const repeat = Math.max(1, Math.min(settings.repeat | 0, 1_000_000));
    for (let i = 0; i < repeat; i++) r0 = once();
    const packet = last && packetView(last);
    const result: RunResult = {
      ...base,
      runs: repeat,
      r0: r0.toString(),
      r0Signed: BigInt.asIntN(64, r0).toString(),
      maps: mapViews(maps),
      ...(program.lastInstructionCount !== undefined ? { instructions: program.lastInstructionCount } : {}),
      ...(packet ? { packet } : {}),
    };
    printk.on = false;
    if (timingBudgetMs > 0) {
      let runs = 0;
      let batch = 1;
      const start = performance.now();
      let elapsed = 0;
      while (elapsed < timingBudgetMs) {
        for (let i = 0; i < batch; i++) once();
        runs += batch;
        batch = Math.min(batch * 2, 1 << 14);
        elapsed = performance.now() - start;
      }
      result.nsPerRun = (elapsed * 1e6) / runs;
      result.timedRuns = runs;
    }
    return result;
  } catch (e) {
    return { ...base, maps: mapViews(maps), error: e instanceof Error ? e.message : String(e) };
  } finally {
    printk.on = false;
    for (const r of held) memory.free(r);
  }
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

function packetView(run: PacketRunResult): NonNullable<RunResult['packet']> {
  const r = run.redirect;
  return {
    retval: run.retval,
    data: hex(run.data),
    ...(r
      ? {
          redirect: `${r.helper} to ${r.map ? `${r.map}[${r.key}]` : `ifindex ${r.ifindex}`}, flags ${r.flags}`,
        }
      : {}),
  };
}
