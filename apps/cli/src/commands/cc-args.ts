/**
 * clang's command line for BPF, as `tbpf cc` takes it: `make CC="tbpf cc"` passes the flags it
 * would pass clang-19 (`-target bpf -O2 -g -c -I… -D… -o x.o x.c -Wall`). Options that change
 * nothing in what tbpf cc produces (warnings, most -f flags, debug-info levels) are accepted and
 * named in one note; options asking for something tbpf cc cannot do are errors.
 */
import { CliError } from '../io.js';

export type CcMode = 'object' | 'assembly' | 'preprocess';

export interface CcArgs {
  inputs: string[];
  output?: string;
  mode: CcMode;
  /** -I and -isystem directories, in order (searched before the bundled headers). */
  includeDirs: string[];
  /** -idirafter directories (searched after the system directories). */
  afterDirs: string[];
  /** No /usr/local/include and /usr/include (-nostdinc, -nostdlibinc). */
  noSystemDirs: boolean;
  /** -D in command-line order, with -U applied: what is left defined. */
  defines: string[];
  /** -U of names not defined again later (they may be predefined macros). */
  undefines: string[];
  /** -include FILE, in order. */
  forceIncludes: string[];
  optimize: 0 | 1 | 2 | 3;
  cpu?: 1 | 2 | 3 | 4;
  /** -E -P: no line markers. */
  noLineMarkers: boolean;
  errorLimit?: number;
  json: boolean;
  help: boolean;
  /** -v: print the include search list as clang does (Makefiles read it with sed). */
  verbose: boolean;
  /** `-target` was given (without it, clang's -v describes the host target). */
  explicitTarget: boolean;
  /** Options accepted without effect, for the note. */
  ignored: string[];
}

/** Options that take their value as the next argument (or glued to them, where clang allows). */
const WITH_VALUE = new Set([
  '-o',
  '-I',
  '-D',
  '-U',
  '-isystem',
  '-idirafter',
  '-iquote',
  '-include',
  '-x',
  '-MF',
  '-MT',
  '-MQ',
  '-Xclang',
  '-target',
  '-mllvm',
]);

const TARGETS = new Set(['bpf', 'bpfel', 'bpf-pc-linux', 'bpfel-unknown-none', 'bpf-unknown-none']);

/** Parses `tbpf cc` arguments the way clang reads them. Errors are CliErrors (exit 2). */
export function parseCcArgs(argv: readonly string[]): CcArgs {
  const a: CcArgs = {
    inputs: [],
    mode: 'object',
    includeDirs: [],
    afterDirs: [],
    noSystemDirs: false,
    defines: [],
    undefines: [],
    forceIncludes: [],
    optimize: 2,
    noLineMarkers: false,
    json: false,
    help: false,
    verbose: false,
    explicitTarget: false,
    ignored: [],
  };
  const macroOps: { define: boolean; text: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-' || !arg.startsWith('-')) {
      a.inputs.push(arg);
      continue;
    }
    if (arg === '--') {
      a.inputs.push(...argv.slice(i + 1));
      break;
    }
    // `-o x`, `-ox`, `-I dir`, `-Idir`, `-DX`, `-target bpf`, `--target=bpf`, …
    let name = arg;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      name = arg.slice(0, eq);
      value = arg.slice(eq + 1);
    } else if (!WITH_VALUE.has(arg)) {
      const glued = ['-o', '-I', '-D', '-U'].find((p) => arg.startsWith(p) && arg.length > p.length);
      if (glued) {
        name = glued;
        value = arg.slice(glued.length);
      }
    }
    const next = (): string => {
      if (value !== undefined) return value;
      const v = argv[++i];
      if (v === undefined) throw new CliError(`argument to '${arg}' is missing (expected 1 value)`);
      return v;
    };
    switch (name) {
      case '-o':
        a.output = next();
        continue;
      case '-I':
      case '-isystem':
      case '-iquote':
        a.includeDirs.push(next());
        continue;
      case '-idirafter':
        a.afterDirs.push(next());
        continue;
      case '-D':
        macroOps.push({ define: true, text: next() });
        continue;
      case '-U':
        macroOps.push({ define: false, text: next() });
        continue;
      case '-include':
        a.forceIncludes.push(next());
        continue;
      case '-target':
      case '--target': {
        const t = next();
        if (!TARGETS.has(t))
          throw new CliError(`unsupported target '${t}': tbpf cc compiles for bpf (little-endian) only`);
        a.explicitTarget = true;
        continue;
      }
      case '-x': {
        const lang = next();
        if (lang !== 'c') throw new CliError(`language '${lang}' is not supported: tbpf cc compiles C`);
        continue;
      }
      case '-c':
        a.mode = 'object';
        continue;
      case '-S':
        a.mode = 'assembly';
        continue;
      case '-E':
        a.mode = 'preprocess';
        continue;
      case '-P':
        a.noLineMarkers = true;
        continue;
      case '-nostdinc':
      case '-nostdlibinc':
        a.noSystemDirs = true;
        continue;
      case '--json':
        a.json = true;
        continue;
      case '-v':
        a.verbose = true;
        continue;
      case '-h':
      case '--help':
        a.help = true;
        continue;
      case '-emit-llvm':
        throw new CliError(
          '-emit-llvm: tbpf cc does not produce LLVM IR (it writes BPF objects and assembly)',
        );
      case '-mbig-endian':
        throw new CliError('-mbig-endian: tbpf cc compiles for little-endian BPF only');
      case '-Xclang':
      case '-mllvm':
      case '-MF':
      case '-MT':
      case '-MQ':
        a.ignored.push(`${arg} ${next()}`);
        continue;
    }
    const o = /^-O([0-3sz]?)$/.exec(arg);
    if (o) {
      a.optimize = o[1] === '' ? 1 : o[1] === 's' || o[1] === 'z' ? 2 : (Number(o[1]) as 0 | 1 | 2 | 3);
      continue;
    }
    const cpu = /^-mcpu=(.*)$/.exec(arg);
    if (cpu) {
      const v = cpu[1];
      if (v === 'v1' || v === 'v2' || v === 'v3' || v === 'v4') a.cpu = Number(v.slice(1)) as 1 | 2 | 3 | 4;
      else if (v === 'generic') a.cpu = 1;
      else if (v === 'probe') a.cpu = 4;
      else throw new CliError(`-mcpu=${v}: expected v1, v2, v3, v4, generic or probe`);
      continue;
    }
    const limit = /^-ferror-limit=(\d+)$/.exec(arg);
    if (limit) {
      a.errorLimit = Number(limit[1]);
      continue;
    }
    if (/^-std=(gnu|c)(89|90|99|9x|11|1x|17|18)$/.test(arg)) continue;
    // No effect on what tbpf cc writes: warnings, debug info (BTF and line info are always
    // written), code-generation flags clang accepts for BPF, dependency files, verbosity.
    if (
      /^-W/.test(arg) ||
      arg === '-w' ||
      arg === '-pedantic' ||
      /^-g/.test(arg) ||
      /^-f/.test(arg) ||
      /^-m(little-endian|attr=|no-|alu32)/.test(arg) ||
      /^-std=/.test(arg) ||
      /^-M(D|MD|P|G)?$/.test(arg) ||
      arg === '-pipe' ||
      arg === '-Qunused-arguments'
    ) {
      a.ignored.push(arg);
      continue;
    }
    throw new CliError(
      `unknown argument: '${arg}' (tbpf cc takes clang's options for BPF; see tbpf cc --help)`,
    );
  }
  applyMacroOps(a, macroOps);
  return a;
}

/** -D and -U in command-line order, as clang applies them. */
function applyMacroOps(a: CcArgs, ops: readonly { define: boolean; text: string }[]): void {
  const last = new Map<string, { define: boolean; text: string }>();
  for (const op of ops) {
    const name = op.text.split('=')[0].replace(/\(.*$/, '');
    last.delete(name); // keep insertion order = order of the last operation
    last.set(name, op);
  }
  for (const [name, op] of last) {
    if (op.define) a.defines.push(op.text);
    else a.undefines.push(name);
  }
}

/** The text of `tbpf cc --help` after the usage line. */
export const CC_HELP = `
Takes clang-19's command line for BPF, so that \`make CC="tbpf cc"\` builds work:
  -c / -S / -E [-P]      object (default) / LLVM-style assembly / preprocessed source
  -o FILE                output ('-' for standard output); default: INPUT's name with .o or .s in the
                         current directory, as clang
  -I DIR, -isystem DIR   searched before the bundled headers (stddef.h, stdint.h, tbpf/…)
  -idirafter DIR         searched after /usr/local/include and /usr/include (-nostdinc drops those)
  -D NAME[=VAL], -U NAME, -include FILE
  -O0 -O1 -O2 -O3 -Os    (-O1 and up optimise alike)
  -mcpu=v1|v2|v3|v4      clang's __BPF_CPU_VERSION__ and __BPF_FEATURE_* macros
  -target bpf            the only target; -x c the only language
  -g, -W…, -w, -f…, -std=…, -M…: accepted without effect (one note names them); BTF and line
                         information are always written
  -ferror-limit=N        stop after N errors (default 20)
  -v                     print the include search list as clang does (libbpf-bootstrap's Makefile
                         reads it with \`$(CLANG) -v -E - </dev/null\`)
  --json                 the result (output file, diagnostics) as JSON
`;
