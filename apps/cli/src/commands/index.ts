import type { Command } from 'commander';
import type { Io } from '../io.js';
import { registerOpcodes } from './opcodes.js';

/** A subcommand adds itself to the program. One file per subcommand in this folder. */
export type RegisterCommand = (program: Command, io: Io) => void;

export const commands: RegisterCommand[] = [registerOpcodes];
