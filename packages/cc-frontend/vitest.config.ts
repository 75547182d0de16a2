import { defineConfig } from 'vitest/config';

// Tests run against the sources of workspace dependencies (the `source` export condition).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Many tests run clang-19, gcc or the kernel's verifier: 5 s is too short on a loaded machine.
  test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
