import { defineConfig } from 'vitest/config';

// Tests run against the sources of workspace dependencies (the `source` export condition).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  // Generous per-test timeout: CI runs packages side by side on 2 cores.
  test: { include: ['src/**/*.test.ts'], testTimeout: 30_000 },
});
