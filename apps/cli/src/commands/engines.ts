import { type Engine, type EngineName, interpreter } from '@tbpf/vm';
import { CliError } from '../io.js';

/**
 * Engines by name: the interpreter (the reference), the x86-64 JIT and the WebAssembly JIT. A JIT's
 * package loads only when it is picked, so that commands start fast on the interpreter.
 */
const ENGINES: Record<EngineName, () => Promise<Engine>> = {
  interp: async () => interpreter,
  jit: async () => (await import('@tbpf/jit-x64')).x64Engine,
  wasm: async () => (await import('@tbpf/jit-wasm')).wasmEngine,
};

/** The engine named `name`, or a CliError saying why it cannot run here. */
export async function pickEngine(name: string): Promise<Engine> {
  if (name !== 'interp' && name !== 'jit' && name !== 'wasm') {
    throw new CliError(`unknown engine '${name}' (choose interp, jit or wasm)`);
  }
  const engine = await ENGINES[name]();
  const ok = engine.available();
  if (!ok.ok) throw new CliError(`the ${name} engine is not available: ${ok.reason}`);
  return engine;
}
