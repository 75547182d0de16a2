/**
 * Hide sets of the macro expander (Prosser's algorithm): the macro names a token must not
 * expand again. Sets are immutable and shared: adding a name to a set and joining two sets
 * remember their result on the operand, so the n-th expansion of the same macro chain costs a
 * lookup, not a copy of the set (a macro bomb expands the same few names millions of times, and
 * a chain of n nested macros would otherwise copy n sets of up to n names).
 * `undefined` is the empty set.
 */
export class HideSet {
  /** this ∪ {name}, by name. */
  readonly withName = new Map<string, HideSet>();
  /** this ∪ other, by other. */
  readonly unionWith = new Map<HideSet, HideSet>();

  constructor(private readonly names: ReadonlySet<string>) {}

  get size(): number {
    return this.names.size;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.names[Symbol.iterator]();
  }
}

/** Makes the hide sets of one preprocessor (one compilation), sharing equal results. */
export class HideSets {
  private readonly singletons = new Map<string, HideSet>();

  /** set ∪ {name}. */
  with(set: HideSet | undefined, name: string): HideSet {
    if (set === undefined) {
      let s = this.singletons.get(name);
      if (s === undefined) {
        s = new HideSet(new Set([name]));
        this.singletons.set(name, s);
      }
      return s;
    }
    if (set.has(name)) return set;
    let s = set.withName.get(name);
    if (s === undefined) {
      s = new HideSet(new Set([...set, name]));
      set.withName.set(name, s);
    }
    return s;
  }

  /** a ∪ b. */
  union(a: HideSet | undefined, b: HideSet): HideSet {
    if (a === undefined || a === b) return b;
    let s = a.unionWith.get(b);
    if (s === undefined) {
      s = b;
      for (const x of a) s = this.with(s, x);
      a.unionWith.set(b, s);
    }
    return s;
  }

  /** a ∩ b (an operand itself when it is the result, as it usually is). */
  intersect(a: HideSet | undefined, b: HideSet | undefined): HideSet | undefined {
    if (a === undefined || b === undefined) return undefined;
    if (a === b) return a;
    let s: HideSet | undefined;
    let all = true;
    for (const x of a) {
      if (b.has(x)) s = this.with(s, x);
      else all = false;
    }
    return all ? a : s;
  }
}
