/** Browsers: no native engine (the x86-64 JIT needs Node.js and its addon). */
import type { Engine } from '@tbpf/vm';

export const nativeEngine: Engine | undefined = undefined;
export const nativeEngineAbsent = 'the x86-64 JIT needs Node.js (this build is for browsers)';
