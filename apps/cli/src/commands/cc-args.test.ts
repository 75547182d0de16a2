import { describe, expect, it } from 'vitest';
import { parseCcArgs } from './cc-args.js';

describe("tbpf cc's clang command line", () => {
  it("reads libbpf-bootstrap's and bcc's BPF compile lines", () => {
    const a = parseCcArgs(
      '-g -O2 -target bpf -D__TARGET_ARCH_x86 -I.output -I../../libbpf/include/uapi -idirafter /usr/include -Wall -c minimal.bpf.c -o .output/minimal.tmp.bpf.o'.split(
        ' ',
      ),
    );
    expect(a).toMatchObject({
      inputs: ['minimal.bpf.c'],
      output: '.output/minimal.tmp.bpf.o',
      mode: 'object',
      includeDirs: ['.output', '../../libbpf/include/uapi'],
      afterDirs: ['/usr/include'],
      defines: ['__TARGET_ARCH_x86'],
      optimize: 2,
      ignored: ['-g', '-Wall'],
    });
  });

  it.each([
    [['-O0'], { optimize: 0 }],
    [['-O'], { optimize: 1 }],
    [['-O3'], { optimize: 3 }],
    [['-Os'], { optimize: 2 }],
    [['-mcpu=v3'], { cpu: 3 }],
    [['-mcpu=generic'], { cpu: 1 }],
    [['--target=bpf'], { inputs: [] }],
    [['-S'], { mode: 'assembly' }],
    [['-E', '-P'], { mode: 'preprocess', noLineMarkers: true }],
    [['-oout.o', '-Idir', '-isystem', 'sys'], { output: 'out.o', includeDirs: ['dir', 'sys'] }],
    [['-nostdinc'], { noSystemDirs: true }],
    [['-ferror-limit=5'], { errorLimit: 5 }],
    [['-include', 'pre.h'], { forceIncludes: ['pre.h'] }],
    [['-x', 'c', '-std=gnu11', '-'], { inputs: ['-'] }],
  ])('%j', (argv, want) => {
    expect(parseCcArgs(argv)).toMatchObject(want);
  });

  it('applies -D and -U in order, as clang', () => {
    expect(parseCcArgs(['-DA=1', '-UA', '-DB', '-UB', '-DB=2', '-U__BPF__'])).toMatchObject({
      defines: ['B=2'],
      undefines: ['A', '__BPF__'],
    });
  });

  it.each([
    [['-target', 'x86_64'], "unsupported target 'x86_64'"],
    [['-emit-llvm'], 'does not produce LLVM IR'],
    [['-x', 'c++'], "language 'c++' is not supported"],
    [['-mcpu=v9'], '-mcpu=v9'],
    [['--frobnicate'], "unknown argument: '--frobnicate'"],
    [['-o'], "argument to '-o' is missing"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCcArgs(argv)).toThrow(message);
  });
});
