import { defineConfig } from 'vitest/config';

// Tests run against the sources of workspace dependencies (the `source` export condition).
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: { include: ['src/**/*.test.ts'] },
});
