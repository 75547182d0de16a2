/**
 * Choosing an engine: one named, or `auto` — WebAssembly, then the x86-64 JIT, then the
 * interpreter — falling back when one is unavailable here or refuses the program or the
 * options, with every reason kept. Every engine takes the same options object (vm's
 * `PrepareOptions`) with the same defaults; an engine refuses what it cannot honour.
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
 * Prepare `loaded` on `choice`. A program that was not verified gets region checks
 * (`boundsCheck: true`) unless the options say otherwise or a compiled engine is named: under
 * `auto` the compiled engines refuse them, so it runs on the interpreter, the reasons kept.
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
  const checked =
    !verified && options.boundsCheck === undefined && (choice === 'auto' || choice === 'interp');
  const prepareOptions = checked ? { ...options, boundsCheck: true } : options;
  const fallbacks: string[] = [];
  for (const name of order) {
    const avail = engineAvailability(name);
    if (!avail.ok) {
      fallbacks.push(`${name}: ${avail.reason}`);
      continue;
    }
    try {
      return { prepared: (ENGINES[name] as Engine).prepare(loaded, prepareOptions), fallbacks };
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
