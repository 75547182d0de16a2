/**
 * Structured control flow from a BPF function's jumps, in the instruction order they come in.
 *
 * Every forward jump target T gets a wasm `block` that ends just before T (a branch to it lands
 * on T); every backward target H gets a `loop` that starts at H and ends after its last back
 * edge. A block may start earlier and a loop may end later without changing meaning, so
 * crossing ranges are repaired by widening: a block's start moves up, a loop's end moves down.
 * The one crossing that widening cannot repair is a block that starts before a loop and ends
 * inside it — a jump into the middle of a loop, i.e. a second loop entry (irreducible in this
 * layout). Such functions use the dispatcher instead: one `loop` around a `br_table` over basic
 * blocks, where forward jumps are still direct branches and only backward jumps dispatch.
 */
import { KIND_EXIT } from '@tbpf/isa';
import { type ControlFlow, isJump, JUMP_KIND, type Subprogram } from './cfg.js';

export interface Construct {
  kind: 'block' | 'loop';
  /** First instruction inside the construct. */
  start: number;
  /** One past the last instruction inside (the `end` comes before instruction `end`). */
  end: number;
}

export type Plan =
  | {
      kind: 'structured';
      /** In opening order (`openingOrder`). */
      constructs: Construct[];
      /**
       * By instruction index − the function's start: 1 + the index in `constructs` of the block
       * ending before that instruction / of the loop starting at it; 0 where there is none.
       */
      blockEnding: Int32Array;
      loopStarting: Int32Array;
    }
  | { kind: 'dispatch' /** Sorted first instructions of the basic blocks. */; leaders: number[] };

/** `dispatchOnly`: skip nesting and use the dispatcher (to measure what structure buys). */
export function planFunction(cf: ControlFlow, sub: Subprogram, dispatchOnly = false): Plan {
  if (dispatchOnly) return { kind: 'dispatch', leaders: leaders(cf, sub) };
  const { kind, target } = cf;
  const base = sub.start;
  // The construct for each target while collecting (1 + its index in `constructs`, 0 = none).
  const blockEnding = new Int32Array(sub.end - base + 1);
  const loopStarting = new Int32Array(sub.end - base + 1);
  const constructs: Construct[] = [];
  for (let i = base; i < sub.end; i++) {
    if (JUMP_KIND[kind[i]] === 0) continue;
    const t = target[i];
    if (t === i + 1) continue;
    if (t > i) {
      // The first jump to t starts its block: later ones come after it.
      if (blockEnding[t - base] === 0)
        blockEnding[t - base] = constructs.push({ kind: 'block', start: i, end: t });
    } else {
      const l = loopStarting[t - base];
      if (l !== 0) constructs[l - 1].end = i + 1;
      else loopStarting[t - base] = constructs.push({ kind: 'loop', start: t, end: i + 1 });
    }
  }
  if (!nest(constructs)) return { kind: 'dispatch', leaders: leaders(cf, sub) };
  constructs.sort(openingOrder);
  for (let k = 0; k < constructs.length; k++) {
    const c = constructs[k];
    if (c.kind === 'block') blockEnding[c.end - base] = k + 1;
    else loopStarting[c.start - base] = k + 1;
  }
  return { kind: 'structured', constructs, blockEnding, loopStarting };
}

/** Widen ranges until no two cross; false when a crossing cannot be repaired. */
function nest(cs: Construct[]): boolean {
  for (let changed = true; changed; ) {
    changed = false;
    cs.sort(openingOrder);
    for (let x = 0; x < cs.length; x++) {
      const a = cs[x];
      for (let y = x + 1; y < cs.length; y++) {
        const b = cs[y];
        if (b.start >= a.end) break;
        if (b.start === a.start || b.end <= a.end) continue;
        // a.start < b.start < a.end < b.end
        if (b.kind === 'block') b.start = a.start;
        else if (a.kind === 'loop') a.end = b.end;
        else return false;
        changed = true;
      }
    }
  }
  return true;
}

/** Outer constructs first: earlier start, then later end, then loops outside blocks. */
export function openingOrder(a: Construct, b: Construct): number {
  return a.start - b.start || b.end - a.end || (a.kind === b.kind ? 0 : a.kind === 'loop' ? -1 : 1);
}

function leaders(cf: ControlFlow, sub: Subprogram): number[] {
  const set = new Set<number>([sub.start]);
  for (let i = sub.start; i < sub.end; i++) {
    const k = cf.kind[i];
    if (isJump(k)) set.add(cf.target[i]);
    if ((isJump(k) || k === KIND_EXIT) && i + 1 < sub.end) set.add(i + 1);
  }
  return [...set].sort((a, b) => a - b);
}
