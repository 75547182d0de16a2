import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  define: { TBPF_VERSION: JSON.stringify('test') },
  test: { include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
