/**
 * Shell globs as ftrace's `~` matches them (Linux lib/glob.c, glob_match): `?` one character,
 * `*` any run of characters, `[…]` a class of characters and ranges (`[!…]` inverted; a `]`
 * right after the `[` or `[!` is literal; a reversed range such as `[z-a]` matches nothing),
 * `\` makes the next character literal; anything that does not form a class is literal.
 * A direct matcher, not a RegExp: no pattern can fail to compile, and it runs in
 * O(pattern × text) with one backtrack point, as the kernel's does.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let s = 0;
  let backPattern = -1;
  let backText = -1;
  for (;;) {
    const c = s < text.length ? text[s] : '';
    s++;
    const d = p < pattern.length ? pattern[p] : '';
    p++;
    let literal = d;
    let matched: boolean;
    switch (d) {
      case '?':
        matched = c !== '';
        break;
      case '*':
        if (p >= pattern.length) return true;
        backPattern = p;
        backText = --s;
        continue;
      case '[': {
        const end = classEnd(pattern, p);
        if (end < 0) {
          matched = c === '[';
          break;
        }
        matched = c !== '' && inClass(pattern, p, end, c);
        if (matched) p = end + 1;
        break;
      }
      case '\\':
        literal = p < pattern.length ? pattern[p++] : '\\';
        matched = c === literal;
        break;
      default:
        if (c === literal) {
          if (d === '') return true;
          continue;
        }
        matched = false;
    }
    if (matched) continue;
    // Backtrack: let the last `*` swallow one more character.
    if (c === '' || backPattern < 0) return false;
    p = backPattern;
    s = ++backText;
  }
}

/** Index of the `]` closing the class that starts at `at` (just after `[`), or -1. */
function classEnd(pattern: string, at: number): number {
  let i = at;
  if (pattern[i] === '!') i++;
  if (pattern[i] === ']') i++; // a leading `]` is a member
  const end = pattern.indexOf(']', i);
  return end;
}

function inClass(pattern: string, at: number, end: number, c: string): boolean {
  let i = at;
  const inverted = pattern[i] === '!';
  if (inverted) i++;
  let found = false;
  while (i < end) {
    const a = pattern[i];
    let b = a;
    if (pattern[i + 1] === '-' && i + 2 < end) {
      b = pattern[i + 2];
      i += 3;
    } else i++;
    if (a <= c && c <= b) found = true;
  }
  return found !== inverted;
}
