/**
 * The JIT with the interpreter behind it: programs the JIT cannot compile (or every program,
 * when the native executor is unavailable here) run on the interpreter, with one warning per
 * reason. `prepared.engine` says which engine a program got.
 */
import {
  type Engine,
  interpreter,
  type LoadedProgram,
  type PreparedProgram,
  type PrepareOptions,
  VmError,
} from '@tbpf/vm';
import { JitEngine, type JitOptions } from './engine.js';

export interface FallbackOptions extends JitOptions {
  /** Receives each distinct warning once (default: console.warn). */
  warn?: (message: string) => void;
}

export function jitWithFallback(options: FallbackOptions = {}): Engine {
  const jit = new JitEngine(options);
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const warned = new Set<string>();
  const once = (message: string) => {
    if (warned.has(message)) return;
    warned.add(message);
    warn(message);
  };
  return {
    name: 'jit',
    available: () => ({ ok: true }),
    prepare(program: LoadedProgram, prepareOptions: PrepareOptions = {}): PreparedProgram {
      const status = jit.available();
      if (!status.ok) {
        once(`tbpf: x86-64 JIT unavailable (${status.reason}); using the interpreter`);
        return interpreter.prepare(program, prepareOptions);
      }
      try {
        return jit.prepare(program, prepareOptions);
      } catch (e) {
        if (!(e instanceof VmError) || e.kind !== 'load') throw e;
        once(`tbpf: ${e.message}; ${program.name} runs on the interpreter`);
        return interpreter.prepare(program, prepareOptions);
      }
    },
  };
}
