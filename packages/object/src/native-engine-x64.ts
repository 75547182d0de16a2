/**
 * The native engine where Node.js runs: the x86-64 JIT. (Browsers get ./native-engine-none.ts
 * through the package's `#native-engine` import condition.) Whether its addon is built here
 * is its own `available()`.
 */

import { x64Engine } from '@tbpf/jit-x64';
import type { Engine } from '@tbpf/vm';

export const nativeEngine: Engine | undefined = x64Engine;
export const nativeEngineAbsent = '';
