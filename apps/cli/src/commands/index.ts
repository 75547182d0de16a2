import type { Command } from 'commander';
import type { Io } from '../io.js';
import { registerAsm } from './asm.js';
import { registerCc } from './cc.js';
import { registerConformancePlugin } from './conformance-plugin.js';
import { registerDisasm } from './disasm.js';
import { registerJited } from './jited.js';
import { registerOpcodes } from './opcodes.js';
import { registerRun } from './run.js';
import { registerTrace } from './trace.js';
import { registerVerify } from './verify.js';

/** A subcommand adds itself to the program. One file per subcommand in this folder. */
export type RegisterCommand = (program: Command, io: Io) => void;

export const commands: RegisterCommand[] = [
  registerAsm,
  registerDisasm,
  registerOpcodes,
  registerRun,
  registerConformancePlugin,
  registerTrace,
  registerCc,
  registerJited,
  registerVerify,
];
