/** Test support for engines built on the vm (`@tbpf/vm/testing`). */
export { SANDBOX_ESCAPES, SANDBOX_TEST_MEMORY } from './sandbox.js';
