/** Why a program cannot be compiled to WebAssembly; `index` is the instruction index (-1: whole program). */
export class WasmCompileError extends Error {
  override readonly name = 'WasmCompileError';
  constructor(
    readonly reason: string,
    readonly index = -1,
  ) {
    super(index >= 0 ? `instruction ${index}: ${reason}` : reason);
  }
}
