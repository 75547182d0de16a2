/**
 * trace_printk formatting: the kernel's subset — %d %i %u %x with an optional l or ll
 * modifier, %p (and %px), %s, %% — at most `maxArgs` conversions. 32-bit conversions (no
 * modifier) use the argument's low 32 bits; l and ll use all 64 (LP64). %p prints 0x + hex
 * (tbpf does not hash pointers). %s reads a NUL-terminated string (≤ 255 bytes) from the
 * linear memory; an unreadable string prints as empty, as in Linux.
 */

/** A conversion the format asks for, with the argument it consumes. */
export type PrintkArg = { hi: number; lo: number };

/** The result: the text, or why the format is rejected (helper returns -EINVAL then). */
export type PrintkResult = { ok: true; text: string } | { ok: false; reason: string };

const TWO32 = 4294967296n;

function u64(a: PrintkArg): bigint {
  return BigInt(a.hi >>> 0) * TWO32 + BigInt(a.lo >>> 0);
}

/**
 * Format `fmt` with `args`; `readString(lo, hi)` resolves %s arguments (undefined when the
 * address is unreadable).
 */
export function formatPrintk(
  fmt: string,
  args: readonly PrintkArg[],
  maxArgs: number,
  readString: (arg: PrintkArg) => string | undefined,
): PrintkResult {
  let out = '';
  let used = 0;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    if (fmt[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    let j = i + 1;
    let longs = 0;
    while (fmt[j] === 'l' && longs < 2) {
      longs++;
      j++;
    }
    const conv = fmt[j];
    if (conv === undefined || !'diuxps'.includes(conv) || (longs > 0 && (conv === 'p' || conv === 's'))) {
      return { ok: false, reason: `unsupported conversion '${fmt.slice(i, j + 1)}' at offset ${i}` };
    }
    if (used >= maxArgs) return { ok: false, reason: `more than ${maxArgs} conversions` };
    const arg = args[used++] ?? { lo: 0, hi: 0 };
    if (conv === 'p' && fmt[j + 1] === 'x') j++;
    out += convert(conv, longs > 0, arg, readString);
    i = j;
  }
  return { ok: true, text: out };
}

function convert(
  conv: string,
  wide: boolean,
  arg: PrintkArg,
  readString: (arg: PrintkArg) => string | undefined,
): string {
  switch (conv) {
    case 'd':
    case 'i':
      return wide ? BigInt.asIntN(64, u64(arg)).toString() : String(arg.lo | 0);
    case 'u':
      return wide ? u64(arg).toString() : String(arg.lo >>> 0);
    case 'x':
      return wide ? u64(arg).toString(16) : (arg.lo >>> 0).toString(16);
    case 'p':
      return `0x${u64(arg).toString(16)}`;
    default:
      return readString(arg) ?? '';
  }
}
