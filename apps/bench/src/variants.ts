/**
 * The engine variants of the engine table, as data: no engine is imported here, so that a child
 * process measuring one engine loads only that engine's package (./first-program.ts).
 */
import type { EngineName, PrepareOptions } from '@tbpf/vm';

export type VariantId = 'interp' | 'interp-unchecked' | 'jit' | 'wasm';

export interface Variant {
  id: VariantId;
  label: string;
  engine: EngineName;
  options: PrepareOptions;
}

/** The engines as users run them (their defaults), and the interpreter with region checks beside them (as ubpf's). */
export const VARIANTS: readonly Variant[] = [
  {
    id: 'interp',
    label: 'interpreter, region checks (boundsCheck: true)',
    engine: 'interp',
    options: { boundsCheck: true },
  },
  {
    id: 'interp-unchecked',
    label: 'interpreter (its default: the sandbox rule)',
    engine: 'interp',
    options: {},
  },
  { id: 'jit', label: 'x86-64 JIT (constants blinded, its default)', engine: 'jit', options: {} },
  { id: 'wasm', label: 'WebAssembly', engine: 'wasm', options: {} },
];

export function variant(id: string): Variant {
  const v = VARIANTS.find((x) => x.id === id);
  if (!v) throw new Error(`unknown variant ${id}`);
  return v;
}
