import { describe, expect, it } from 'vitest';
import { layoutFields } from './event.js';
import { compilePredicate } from './predicate-compile.js';
import { MAX_PREDICATE_NESTING, MAX_PREDICATE_TERMS, PredicateError } from './predicate-parse.js';
import { fakeSeam } from './testing.js';
import { TraceHost } from './trace-host.js';

const FIELDS =
  'char name[16]; unsigned int len; int delta; unsigned long addr; long big; unsigned short proto;';
type Row = [name: string, len: number, delta: number, addr: number | bigint, big: bigint, proto: number];
const ROWS: Row[] = [
  ['eth5', 128, -1, 0x1_0000_1000, -5n, 0x0800],
  ['eth50', 64, 3, 0x1_0000_2000, 1n << 62n, 0x86dd],
  ['lo', 1500, 0, 0, 0n, 0x0800],
  ['wlan0', 300, -300, 0x7fff_0000, -(1n << 63n), 0x0806],
];

function matches(expr: string): string[] {
  const host = new TraceHost({ seam: fakeSeam(), memoryBytes: 1 << 20, arenaBytes: 4096 });
  const ev = host.defineEvent('t', 'e', FIELDS);
  host.enable(ev);
  host.setPredicate(ev, expr);
  for (const r of ROWS) ev.emit(...r);
  return host.consumeRecords().map((r) => r.text.replace(/.*name=(\S*).*/, '$1'));
}

describe('predicate filters', () => {
  it.each<[string, string[]]>([
    ['name == "eth5"', ['eth5']],
    ["name == 'eth5'", ['eth5']],
    ['name == eth5', ['eth5']],
    ['name != "eth5"', ['eth50', 'lo', 'wlan0']],
    ['name ~ "eth*"', ['eth5', 'eth50']],
    ['name ~ "*0"', ['eth50', 'wlan0']],
    ['name ~ "eth?"', ['eth5']],
    ['name ~ "[lw]*"', ['lo', 'wlan0']],
    ['len > 100', ['eth5', 'lo', 'wlan0']],
    ['len >= 300', ['lo', 'wlan0']],
    ['len < 128', ['eth50']],
    ['len <= 128', ['eth5', 'eth50']],
    ['len == 0x40', ['eth50']],
    ['len & 4', ['lo', 'wlan0']],
    ['delta < 0', ['eth5', 'wlan0']],
    ['delta == -300', ['wlan0']],
    ['addr == 0x100001000', ['eth5']],
    ['addr > 0', ['eth5', 'eth50', 'wlan0']],
    ['big < 0', ['eth5', 'wlan0']],
    ['big == -9223372036854775808', ['wlan0']],
    ['big == 4611686018427387904', ['eth50']],
    ['big & 0x4000000000000000', ['eth5', 'eth50']],
    ['proto == 2048', ['eth5', 'lo']],
    ['common_pid == 4242', ['eth5', 'eth50', 'lo', 'wlan0']],
    ['name == "eth5" || len > 1000', ['eth5', 'lo']],
    ['name ~ "eth*" && len > 100', ['eth5']],
    ['!(name ~ "eth*")', ['lo', 'wlan0']],
    ['!name ~ "eth*" && len < 1000', ['wlan0']],
    ['(len < 100 || len > 1000) && proto != 0x86dd', ['lo']],
    ['((name == lo))', ['lo']],
  ])('%s', (expr, want) => {
    expect(matches(expr)).toEqual(want);
  });

  it.each<[string, string, number]>([
    ['nme == "eth5"', 'Field not found', 1],
    ['name = "eth5"', 'Invalid operator', 6],
    ['len >> 3', 'Invalid operator', 5],
    ['len === 3', 'Invalid operator', 5],
    ['name < "eth5"', 'Illegal operation for field type', 6],
    ['len ~ 5', 'Illegal operation for field type', 5],
    ['len == "5"', 'Illegal integer value', 8],
    ['len == 5x', 'Illegal integer value', 8],
    ['len == abc', 'Invalid value (did you forget quotes)?', 8],
    ['name == "eth5', 'Missing matching quote', 9],
    ['(len > 5', "Too many '('", 9],
    ['len > 5)', "Too few '('", 8],
    ['len > 5 &&', 'Meaningless filter expression', 11],
    ['len > 5 len < 3', 'Meaningless filter expression', 9],
    ['len', 'Meaningless filter expression', 4],
    ['', 'Meaningless filter expression', 1],
    ['len == 18446744073709551616', 'Illegal integer value', 8],
  ])('rejects %j: %s at column %i', (expr, message, column) => {
    const { fields } = layoutFields([
      { name: 'name', type: 'char[16]' },
      { name: 'len', type: 'unsigned int' },
    ]);
    let err: unknown;
    try {
      compilePredicate(expr, fields);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PredicateError);
    const pe = err as PredicateError;
    expect([pe.message, pe.column]).toEqual([`parse_error: ${message} at column ${column}`, column]);
    expect(pe.display()).toBe(`${expr}\n${' '.repeat(column - 1)}^\nparse_error: ${message}\n`);
  });

  it.each<[string, string[]]>([
    ['name ~ "[z-a]*"', []], // a reversed range matches nothing (Linux's glob_match), no SyntaxError
    ['name ~ "[!e]*"', ['lo', 'wlan0']],
    ['name ~ "[a-f]th*"', ['eth5', 'eth50']],
    ['name ~ "*[0-9]"', ['eth5', 'eth50', 'wlan0']],
    ['name ~ "[]lo]o"', ['lo']],
    ['name ~ "[lo"', []], // no closing bracket: a literal [
    ['name ~ "\\eth5"', ['eth5']],
    ['name ~ "*a*n*0"', ['wlan0']],
    ['name ~ "(.*)"', []], // RegExp syntax is literal text here
  ])('globs cannot fail to compile: %s', (expr, want) => {
    expect(matches(expr)).toEqual(want);
  });

  it('bounds nesting and terms with typed errors, and long chains cost no stack', () => {
    const { fields } = layoutFields([{ name: 'len', type: 'unsigned int' }]);
    const error = (expr: string) => {
      try {
        compilePredicate(expr, fields);
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const deep = `${'('.repeat(10_000)}len > 1${')'.repeat(10_000)}`;
    expect(error(deep)).toMatchObject({ code: 'TOO_DEEP', column: MAX_PREDICATE_NESTING + 1 });
    expect(error(`${'!'.repeat(10_000)}len > 1`)).toMatchObject({ code: 'TOO_DEEP' });
    expect(
      error(
        Array(MAX_PREDICATE_TERMS + 1)
          .fill('len > 1')
          .join(' && '),
      ),
    ).toMatchObject({
      code: 'TOO_MANY_PREDS',
    });
    const ok = `${'('.repeat(MAX_PREDICATE_NESTING)}len > 1${')'.repeat(MAX_PREDICATE_NESTING)}`;
    expect(error(ok)).toBeUndefined();
    // The longest chain is one loop when an event is filtered.
    const host = new TraceHost({ seam: fakeSeam(), memoryBytes: 1 << 20, arenaBytes: 4096 });
    const ev = host.defineEvent('t', 'e', 'unsigned int len;');
    host.enable(ev);
    host.setPredicate(ev, [...Array(MAX_PREDICATE_TERMS - 1).fill('len > 1'), 'len > 5'].join(' && '));
    ev.emit(3);
    ev.emit(9);
    expect(host.consumeRecords().map((r) => r.text.replace(/.*len=(\d+).*/, '$1'))).toEqual(['9']);
    host.setPredicate(ev, [...Array(MAX_PREDICATE_TERMS - 1).fill('len == 1'), 'len == 3'].join(' || '));
    ev.emit(3);
    ev.emit(9);
    expect(host.consumeRecords().map((r) => r.text.replace(/.*len=(\d+).*/, '$1'))).toEqual(['3']);
  });
});
