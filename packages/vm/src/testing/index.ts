/** Test support for engines built on the vm (`@tbpf/vm/testing`). */

export { addressConvention } from './convention.js';
export {
  againstInterpreter,
  outcome,
  SANDBOX_ESCAPES,
  SANDBOX_TEST_MEMORY,
  UNKNOWN_HELPER_CALLS,
} from './sandbox.js';
export { tailCallScenario } from './tail-calls.js';
export { ZEROED_STACK_FAULT, zeroedStackRuns } from './zeroed-stacks.js';
