import type { Command } from 'commander';
import type { Io } from '../io.js';

/** A subcommand adds itself to the program. One file per subcommand in this folder. */
export type RegisterCommand = (program: Command, io: Io) => void;

/**
 * Every subcommand by name, with the module that registers it. `tbpf NAME` loads only NAME's module
 * (and the packages it imports); help loads them all. The bundle splits at these imports, so a
 * command's start-up costs only what its own module imports: keep a package that only one option
 * needs behind an `await import()` in that option's code (see pickEngine in engines.ts).
 */
export const COMMANDS: Record<string, () => Promise<RegisterCommand>> = {
  asm: async () => (await import('./asm.js')).registerAsm,
  disasm: async () => (await import('./disasm.js')).registerDisasm,
  opcodes: async () => (await import('./opcodes.js')).registerOpcodes,
  run: async () => (await import('./run.js')).registerRun,
  'conformance-plugin': async () => (await import('./conformance-plugin.js')).registerConformancePlugin,
  trace: async () => (await import('./trace.js')).registerTrace,
  cc: async () => (await import('./cc.js')).registerCc,
  jited: async () => (await import('./jited.js')).registerJited,
  verify: async () => (await import('./verify.js')).registerVerify,
  btf: async () => (await import('./btf.js')).registerBtf,
};
