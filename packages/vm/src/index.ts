export * from './errors.js';
export * from './helpers/prototype.js';
export * from './memory.js';
