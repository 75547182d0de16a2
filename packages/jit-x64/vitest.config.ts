import { defineConfig } from 'vitest/config';

// Tests run against the sources of workspace dependencies (the `source` export condition).
// The global setup builds the native executor first when it is missing or stale.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'], globalSetup: ['./src/testing/global-setup.ts'] },
});
