export { type Bounds, formatBounds } from './bounds.js';
export { checkStructure, type Structure, StructureError } from './cfg.js';
export { VerifierError } from './errors.js';
export * from './program-types.js';
export { type Tnum, tnumStr } from './tnum.js';
export type * from './types.js';
export { verify, verifyOrThrow } from './verify.js';
