/**
 * The `kprobe_events` language (Documentation/trace/kprobetrace.rst), for host functions:
 *
 *   p[:[GROUP/]EVENT] SYMBOL [NAME=]FETCHARG[:TYPE] …   probe on entry (SYMBOL: [MOD:]NAME)
 *   r[:[GROUP/]EVENT] SYMBOL [NAME=]FETCHARG[:TYPE] …   probe on return
 *   -:[GROUP/]EVENT                                     remove a probe
 *
 * FETCHARG: %di %si %dx %cx %r8 %r9 %ax (any pt_regs name), $argN (1-6), $retval, $comm,
 * \IMM, +|-OFFS(FETCHARG) (memory at the fetched address + OFFS). TYPE: u8…u64, s8…s64,
 * x8…x64, string. Errors name ftrace's reason and the column.
 */
import { SYMBOL_PATTERN } from './function-registry.js';
import { PT_REGS, type PtRegName } from './pt-regs.js';

export type FetchArg =
  | { kind: 'reg'; reg: PtRegName }
  | { kind: 'arg'; n: number }
  | { kind: 'retval' }
  | { kind: 'comm' }
  | { kind: 'imm'; value: bigint }
  | { kind: 'deref'; offset: number; base: FetchArg };

export type FetchType = `${'u' | 's' | 'x'}${8 | 16 | 32 | 64}` | 'string';

export interface ProbeArg {
  name: string;
  fetch: FetchArg;
  type: FetchType;
  /** As written, for reading `kprobe_events` back. */
  text: string;
}

export interface ProbeDefinition {
  op: 'add';
  probe: 'p' | 'r';
  group: string;
  event: string;
  symbol: string;
  args: ProbeArg[];
}

export interface ProbeRemoval {
  op: 'remove';
  group: string | null;
  event: string;
}

export type KprobeCommand = ProbeDefinition | ProbeRemoval;

export const DEFAULT_KPROBE_GROUP = 'kprobes';
export const MAX_PROBE_ARGS = 128;

export class KprobeEventError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based column in the command line. */
    readonly column: number,
    readonly command: string,
  ) {
    super(`${reason} at column ${column}`);
    this.name = 'KprobeEventError';
  }

  /** ftrace's error_log entry body. */
  display(): string {
    return `trace_kprobe: error: ${this.reason}\n  Command: ${this.command}\n${' '.repeat(11 + this.column - 1)}^\n`;
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 64;

/** Parse one line; null for blank lines and comments. */
export function parseKprobeCommand(line: string): KprobeCommand | null {
  const cmd = line.replace(/\s+$/, '');
  const trimmed = cmd.trimStart();
  if (trimmed === '' || trimmed.startsWith('#')) return null;
  const lead = cmd.length - trimmed.length;
  const words: { text: string; col: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(cmd); m; m = re.exec(cmd)) words.push({ text: m[0], col: m.index + 1 });
  const fail = (reason: string, col: number): never => {
    throw new KprobeEventError(reason, col, cmd);
  };
  const head = words[0];
  const type = head.text[0];
  if (type !== 'p' && type !== 'r' && type !== '-') fail('Unknown probe type', lead + 1);
  let rest = head.text.slice(1);
  if (type === 'r' && /^\d+/.test(rest)) rest = rest.replace(/^\d+/, ''); // maxactive: irrelevant here
  let group: string | null = null;
  let event: string | null = null;
  if (rest.startsWith(':')) {
    const name = rest.slice(1);
    const slash = name.indexOf('/');
    const nameCol = head.col + head.text.length - name.length;
    if (slash >= 0) {
      group = name.slice(0, slash);
      if (!IDENT.test(group)) fail('Group name must follow the same rules as C identifiers', nameCol);
      if (group.length > MAX_NAME) fail('Group name is too long', nameCol);
      event = name.slice(slash + 1);
    } else event = name;
    if (event === '') fail('Event name is not specified', nameCol + (slash + 1));
    if (!IDENT.test(event))
      fail('Event name must follow the same rules as C identifiers', nameCol + (slash + 1));
    if (event.length > MAX_NAME) fail('Event name is too long', nameCol + (slash + 1));
  } else if (rest !== '') fail('Unknown probe type', head.col);

  if (type === '-') {
    if (!event) fail('Event name is not specified', head.col + 1);
    if (words.length > 1) fail('Too many arguments are specified', words[1].col);
    return { op: 'remove', group, event: event as string };
  }
  const sym = words[1];
  if (!sym) return fail('Invalid probed address or symbol', cmd.length + 2);
  const symbol = sym.text.replace(/\+0x0$|\+0$/, '');
  if (!SYMBOL_PATTERN.test(symbol)) fail('Invalid probed address or symbol', sym.col);
  const probe = type as 'p' | 'r';
  const args: ProbeArg[] = [];
  const used = new Set<string>();
  for (const w of words.slice(2)) {
    if (args.length >= MAX_PROBE_ARGS) fail('Too many arguments are specified', w.col);
    const eq = w.text.indexOf('=');
    let name: string;
    let body = w.text;
    let bodyCol = w.col;
    if (eq >= 0) {
      name = w.text.slice(0, eq);
      body = w.text.slice(eq + 1);
      bodyCol = w.col + eq + 1;
      if (!IDENT.test(name)) fail('Argument name must follow the same rules as C identifiers', w.col);
    } else name = `arg${args.length + 1}`;
    if (used.has(name)) fail('This argument name is already used', w.col);
    used.add(name);
    if (body === '') fail('No argument body', bodyCol);
    const colon = findTypeColon(body);
    const fetchText = colon >= 0 ? body.slice(0, colon) : body;
    const typeText = colon >= 0 ? body.slice(colon + 1) : '';
    const fetch = parseFetch(fetchText, bodyCol, probe, fail);
    let ftype: FetchType = 'x64';
    if (typeText) {
      if (!/^([usx](8|16|32|64)|string)$/.test(typeText))
        fail('Unknown type is specified', bodyCol + colon + 1);
      ftype = typeText as FetchType;
      if (
        ftype === 'string' &&
        fetch.kind !== 'deref' &&
        fetch.kind !== 'comm' &&
        fetch.kind !== 'reg' &&
        fetch.kind !== 'arg'
      )
        fail('String type must be used with a pointer or dereference', bodyCol + colon + 1);
    } else if (fetch.kind === 'comm') ftype = 'string';
    args.push({ name, fetch, type: ftype, text: `${name}=${body}` });
  }
  return {
    op: 'add',
    probe,
    group: group ?? DEFAULT_KPROBE_GROUP,
    event: event ?? `${probe}_${symbol.replace(/^.*:/, '').replace(/\W/g, '_')}_0`,
    symbol,
    args,
  };
}

/** The `:` that starts the type, outside any parentheses. */
function findTypeColon(s: string): number {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ':' && depth === 0) return i;
  }
  return -1;
}

/** Nested dereferences in one argument (Linux: FETCH_INSN_MAX operations per argument). */
export const MAX_DEREF_DEPTH = 16;

function parseFetch(
  s: string,
  col: number,
  probe: 'p' | 'r',
  fail: (reason: string, col: number) => never,
  depth = 0,
): FetchArg {
  if (s.startsWith('%')) {
    const reg = s.slice(1);
    if (!(reg in PT_REGS)) fail('Invalid register name', col);
    return { kind: 'reg', reg: reg as PtRegName };
  }
  if (s === '$retval') {
    if (probe !== 'r') fail('$retval is not available on probe', col);
    return { kind: 'retval' };
  }
  if (s === '$comm') return { kind: 'comm' };
  if (s.startsWith('$arg')) {
    const n = Number(s.slice(4));
    if (!Number.isInteger(n) || n < 1 || n > 6) fail('Invalid argument number', col);
    return { kind: 'arg', n };
  }
  if (s.startsWith('\\')) {
    const t = s.slice(1);
    if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) fail('Invalid fetch argument', col);
    return { kind: 'imm', value: t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t) };
  }
  if (s.startsWith('+') || s.startsWith('-')) {
    const open = s.indexOf('(');
    if (open < 0) fail('Dereference needs a brace', col);
    if (!s.endsWith(')')) fail('Dereference needs a brace', col + s.length);
    const offText = s.slice(1, open).replace(/^u/, '');
    if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(offText)) fail('Invalid dereference offset', col + 1);
    const off = s[0] === '-' ? -Number(offText) : Number(offText);
    if (depth + 1 > MAX_DEREF_DEPTH) fail('Dereference is too much nested', col);
    const inner = parseFetch(s.slice(open + 1, -1), col + open + 1, probe, fail, depth + 1);
    return { kind: 'deref', offset: off, base: inner };
  }
  return fail('Invalid fetch argument', col);
}

/** A definition as `kprobe_events` reads back. */
export function formatProbeDefinition(d: ProbeDefinition): string {
  return [`${d.probe}:${d.group}/${d.event} ${d.symbol}`, ...d.args.map((a) => a.text)].join(' ');
}
