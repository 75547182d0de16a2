export * from './conformance/data-file.js';
export * from './object/index.js';
export * from './rfc-image/index.js';
export * from './text/index.js';
