/**
 * What the page and the worker say to each other: plain data only (structured clone), so the
 * same functions run in the worker, in Node tests and in the measurement script.
 */

export type Lang = 'c' | 'asm';
export type EngineChoice = 'wasm' | 'interp';

/** How to run the program: the context (per field, or raw bytes), the engine, how many runs. */
export interface RunSettings {
  engine: EngineChoice;
  /** Context fields by name: an integer (`42`, `0x2a`, `-1`) or a quoted string, placed in memory and passed by address. */
  fields: Record<string, string>;
  /** Context bytes as hex, for memory contexts (`raw`): r1 points at them, r2 is their length. */
  ctxHex: string;
  /** The packet as hex, for packet programs (xdp, tc, socket filters): BPF_PROG_TEST_RUN's data_in. */
  packetHex: string;
  /** Runs per Run (like `bpftool prog run repeat N`); the maps show the state after all of them. */
  repeat: number;
}

export interface AnalyseRequest {
  source: string;
  lang: Lang;
  /** 'auto': the program type the section names (or `raw` for plain assembly); else a verifier type name. */
  type: string;
  /** Which program of the object (function or section name); default the first. */
  program?: string;
  logLevel: 1 | 2;
  run: RunSettings;
  /** Run the program after a successful load (the page does on every edit). */
  execute: boolean;
  /** How long to spend measuring time per run, in ms (0: only the counted runs). */
  timingBudgetMs: number;
}

export interface Diagnostic {
  severity: 'error' | 'warning' | 'note';
  message: string;
  /** 1-based; a rejected instruction's source line for verifier errors. */
  line: number;
  column: number;
  /** Where it came from: the compiler, the assembler, the linker/loader, the verifier. */
  source: 'compiler' | 'assembler' | 'loader' | 'verifier';
}

/** One line of the llvm-objdump-style listing. */
export type ListingLine =
  | { kind: 'header'; text: string }
  | { kind: 'source'; text: string; line: number }
  | {
      kind: 'insn';
      text: string;
      /** The verifier's instruction index (lddw counts once). */
      insn: number;
      /** llvm-objdump's slot number (lddw takes two). */
      slot: number;
      /** The source line it came from, when known. */
      line?: number;
      /** What llvm-objdump cannot say: the map a pseudo `lddw` loads. */
      note?: string;
    };

/** One line of the verifier log, linked to the instruction it talks about. */
export interface LogLine {
  text: string;
  /** `N: (op) …` and `N: safe` lines: N; `from X to Y:` lines: Y. */
  insn?: number;
  /** `; FILE:LINE: source` lines: LINE. */
  line?: number;
  kind: 'insn' | 'branch' | 'source' | 'safe' | 'error' | 'stats' | 'other';
}

export interface ContextField {
  name: string;
  off: number;
  size: number;
  writable: boolean;
}

/** The run input the program type calls for. */
export type ContextShape =
  | { kind: 'fields'; size: number; fields: ContextField[] }
  | { kind: 'memory'; writable: boolean }
  /** A packet and the context fields a test run takes (`cb`: up to five u32s, "1, 2"). */
  | { kind: 'packet'; packet: 'skb' | 'xdp' | 'flow_dissector'; fields: string[] }
  | { kind: 'none'; reason: string };

export interface MapView {
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** Entries as text (key, value), at most MAX_MAP_ENTRIES. */
  entries: [string, string][];
  /** Entries present in all. */
  count: number;
}

export interface RunResult {
  /** r0 of the last run, unsigned and signed. */
  r0: string;
  r0Signed: string;
  runs: number;
  engine: string;
  /** trace_printk lines of the counted runs. */
  printk: string[];
  /** Mean time per run and how many runs measured it. */
  nsPerRun?: number;
  timedRuns?: number;
  /** Instructions the last run executed (the interpreter counts; the JIT does not). */
  instructions?: number;
  maps: MapView[];
  /** Packet programs: the verdict (r0's low 32 bits), the packet after the last run, a redirect. */
  packet?: { retval: number; data: string; redirect?: string };
  error?: string;
}

export interface ProgramSummary {
  name: string;
  section: string;
}

export interface Analysis {
  diagnostics: Diagnostic[];
  programs: ProgramSummary[];
  /** The program shown (name), its section and the type it was verified as. */
  program?: ProgramSummary;
  typeName?: string;
  listing: ListingLine[];
  verifier?: {
    accepted: boolean;
    reason?: string;
    insn?: number;
    line?: number;
    log: LogLine[];
    processed: number;
    /** How many times each instruction was reached (index = instruction). */
    visits: number[];
  };
  context: ContextShape;
  /** The maps as loaded (before any run). */
  maps: MapView[];
  run?: RunResult;
  /** Milliseconds per stage. */
  timings: { compile: number; verify: number; load: number; run: number; total: number };
}

export interface StatesReply {
  insn: number;
  visits: number;
  /** Each recorded visit: the frames' registers and stack slots. */
  states: { regs: { regno: number; value: string }[]; stack: { off: number; value: string }[] }[][];
}

export type WorkerRequest =
  | { kind: 'analyse'; id: number; request: AnalyseRequest }
  | { kind: 'states'; id: number; insn: number };

export type WorkerReply =
  | { kind: 'ready'; types: string[] }
  | { kind: 'analysis'; id: number; analysis: Analysis }
  | { kind: 'states'; id: number; states: StatesReply }
  | { kind: 'failed'; id: number; message: string };
