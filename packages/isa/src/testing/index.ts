// Test support for every layer: `@tbpf/isa/testing`.
export { instantiate } from './instantiate.js';
export { seededRandom } from './random.js';
