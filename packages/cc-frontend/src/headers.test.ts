import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haveTool } from '@tbpf/isa/testing/tools';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { renderEmbeddedHeaders } from '../scripts/embed-headers.mjs';
import { BUNDLED_HEADERS } from './headers.generated.js';

const includeDir = fileURLToPath(new URL('../include', import.meta.url));

const USE = `#include <tbpf/bpf_helpers.h>
#include <tbpf/trace.h>
#include <tbpf/node.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, __u32); __type(value, __u64); __uint(max_entries, 1024); } counts SEC(".maps");
struct bpf_map_def SEC("maps") legacy = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 1 };
SEC("kprobe/x") int f(struct pt_regs *ctx) {
  __u32 k = PT_REGS_PARM1(ctx);
  __u64 *v = bpf_map_lookup_elem(&counts, &k);
  if (v) __sync_fetch_and_add(v, 1);
  return bpf_memcmp((void *)ctx->si, &k, 4) == 0;
}
SEC("tracepoint/node/http_server_response_finish") int g(struct node_http_server_response_finish *ctx) { return ctx->status >= 500; }
char LICENSE[] SEC("license") = "GPL";
`;

describe('bundled headers', () => {
  it('are embedded from include/ (run `node scripts/embed-headers.mjs` after editing a header)', () => {
    const files = readdirSync(includeDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.h'),
    );
    expect(files.length).toBeGreaterThanOrEqual(10);
    const onDisk = new Map(files.map((f) => [f, readFileSync(join(includeDir, f), 'utf8')]));
    expect(new Map(BUNDLED_HEADERS)).toEqual(onDisk);
    expect(renderEmbeddedHeaders()).toContain('BUNDLED_HEADERS');
  });

  it.each(['clang-19', 'bpf-gcc'])('build with %s', (cc) => {
    if (!haveTool(cc)) return;
    const args =
      cc === 'clang-19'
        ? ['-target', 'bpf', '-fsyntax-only', '-Wall', '-Werror']
        : ['-fsyntax-only', '-Wall', '-Werror'];
    execFileSync(cc, [...args, '-I', includeDir, '-x', 'c', '-'], { input: USE });
    execFileSync(cc, [...args, '-I', includeDir, '-x', 'c', '-'], {
      input:
        '#include <tbpf/rfc2013.h>\nvoid filter(struct bpf_context *ctx) { char f[] = "x %p\\n"; bpf_trace_printk(f, ctx->regs.si, 0, 0, 0); }\n',
    });
  });
});
