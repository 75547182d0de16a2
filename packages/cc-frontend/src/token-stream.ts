/**
 * The preprocessor's tokens as the parser takes them, produced 32 at a time: the parser's
 * token accessors then rarely leave their fast path, and the preprocessor runs in a loop of its own
 * (a third less time in V8's optimising compiler for a big header). Reading ahead must not change
 * what is reported: the diagnostics the preprocessor reports meanwhile are held and recorded when
 * the parser takes the token they came with (`take`), so they keep their order among the parser's
 * and count towards the error limit as before. When the parser's errors reached the limit before a
 * held error that the preprocessor was told was not fatal, the preprocessor is run again without
 * reading ahead and told right (DiagnosticBag.replay, RerunDiagnostics).
 */
import type { DiagnosticBag } from './diagnostics.js';
import type { Token } from './lexer.js';

export class TokenStream {
  /** Tokens read so far (they are numbered from 0 in this order). */
  private produced = 0;
  /** An internal failure while reading ahead: thrown when the parser reaches its token. */
  private failure: { error: unknown } | undefined;
  /** Once run again: the tokens one at a time. */
  private again: (() => Token) | undefined;
  /** For `next`: tokens read and not yet handed out, and how many were handed out. */
  private own: Token[] = [];
  private ownAt = 0;
  private handed = 0;

  constructor(
    /** The preprocessor's tokens one at a time (eof for ever at the end). */
    private readonly produce: () => Token,
    private readonly diags: DiagnosticBag,
    /** The stream again from the start, with held call `live` on reported live, past token `skip`. */
    private readonly rerun: (live: number, skip: number) => () => Token,
    /** Tokens produced ahead of the parser at a time. */
    private readonly readAhead = 32,
  ) {}

  /**
   * Appends the next tokens to `out`: `readAhead` of them, or up to and including `eof`; one at a
   * time once run again.
   */
  read(out: Token[]): void {
    if (this.again) {
      out.push(this.again());
      this.produced++;
      return;
    }
    if (this.failure) {
      // Its diagnostics first; run again, it may not come to that token.
      if (!this.take(this.produced)) throw this.failure.error;
      this.read(out);
      return;
    }
    const diags = this.diags;
    const before = out.length;
    diags.hold();
    try {
      for (let k = 0; k < this.readAhead; k++) {
        diags.heldToken = this.produced;
        const t = this.produce();
        out.push(t);
        this.produced++;
        if (t.kind === 'eof') break;
      }
    } catch (error) {
      this.failure = { error };
    } finally {
      diags.unhold();
    }
    if (out.length === before) this.read(out);
  }

  /**
   * The parser takes token `index`: records the diagnostics held for it. Returns true when the
   * preprocessor had to run again: the tokens read from `index` on are void, read them again.
   */
  take(index: number): boolean {
    if (!this.diags.holdsFor(index)) return false;
    const call = this.diags.replay(index);
    if (call < 0) return false;
    this.again = this.rerun(call, index);
    this.produced = index;
    this.failure = undefined;
    return true;
  }

  /** The first token index with held diagnostics after the ones taken (Infinity if none). */
  heldFrom(): number {
    return this.diags.heldFrom();
  }

  /** The next token, for a caller that takes each token as it reads it. After `eof`, `eof` again. */
  next(): Token {
    for (;;) {
      if (this.ownAt === this.own.length) {
        this.own.length = 0;
        this.ownAt = 0;
        this.read(this.own);
      }
      if (this.take(this.handed)) {
        this.own.length = this.ownAt;
        continue;
      }
      const t = this.own[this.ownAt];
      if (t.kind !== 'eof') {
        this.ownAt++;
        this.handed++;
      }
      return t;
    }
  }
}
