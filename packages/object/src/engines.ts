/**
 * Choosing an engine: one named, or `auto` — WebAssembly, then the x86-64 JIT, then the
 * interpreter — falling back when one is unavailable here or refuses the program or the
 * options, with every reason kept. Every engine takes the same options object (vm's
 * `PrepareOptions`); defaults are each engine's own, so generic code passes only what it means.
 */
import { wasmEngine } from '@tbpf/jit-wasm';
import {
  type Engine,
  type EngineName,
  interpreter,
  type LoadedProgram,
  type PreparedProgram,
  type PrepareOptions,
} from '@tbpf/vm';
import { nativeEngine, nativeEngineAbsent } from '#native-engine';
import { ObjectError } from './errors.js';

export type EngineChoice = EngineName | 'auto';

/** The order `auto` tries. */
export const AUTO_ENGINE_ORDER: readonly EngineName[] = ['wasm', 'jit', 'interp'];

/** Every engine by name; `jit` is absent where the x86-64 JIT cannot be imported (browsers). Tests may substitute. */
export const ENGINES: Record<EngineName, Engine | undefined> = {
  wasm: wasmEngine,
  jit: nativeEngine,
  interp: interpreter,
};

/** Whether `name` can run here, and why not. */
export function engineAvailability(name: EngineName): { ok: true } | { ok: false; reason: string } {
  const engine = ENGINES[name];
  if (!engine) return { ok: false, reason: nativeEngineAbsent };
  return engine.available();
}

export interface Prepared {
  prepared: PreparedProgram;
  /** Why each engine tried before the chosen one was not used ('wasm: …'). */
  fallbacks: string[];
}

/**
 * Prepare `loaded` on `choice`. A program that was not verified runs only on the interpreter
 * under `auto` (its region checks are the only safety it has); naming an engine overrides that.
 */
export function prepareProgram(
  loaded: LoadedProgram,
  choice: EngineChoice,
  options: PrepareOptions,
  verified: boolean,
): Prepared {
  if (choice !== 'auto' && !(choice in ENGINES))
    throw new ObjectError(`unknown engine '${choice}' (wasm, jit, interp or auto)`, 'engine', {
      program: loaded.name,
    });
  const order = choice === 'auto' ? AUTO_ENGINE_ORDER : [choice];
  const fallbacks: string[] = [];
  for (const name of order) {
    if (choice === 'auto' && !verified && name !== 'interp') {
      fallbacks.push(`${name}: the program was not verified (only the interpreter checks every access)`);
      continue;
    }
    const avail = engineAvailability(name);
    if (!avail.ok) {
      fallbacks.push(`${name}: ${avail.reason}`);
      continue;
    }
    try {
      return { prepared: (ENGINES[name] as Engine).prepare(loaded, options), fallbacks };
    } catch (e) {
      fallbacks.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new ObjectError(
    choice === 'auto'
      ? `no engine could run the program (${fallbacks.join('; ')})`
      : `the ${choice} engine cannot run the program: ${fallbacks[0]?.replace(/^\w+: /, '')}`,
    'engine',
    { program: loaded.name },
  );
}
