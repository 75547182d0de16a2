export * from './conformance/data-file.js';
export { detectFormat, type ObjectFormat } from './detect-format.js';
export * from './object/index.js';
export * from './rfc-image/index.js';
export * from './text/index.js';
