/**
 * The playground page: an editor, and panels that show what the worker found — the listing,
 * the verifier's verdict, log and states, the run and the maps. Every edit is analysed again
 * (debounced); the page itself never compiles, verifies or runs anything.
 */
import { EXAMPLES, type Example } from '../lib/examples.js';
import type {
  AnalyseRequest,
  Analysis,
  ContextShape,
  Lang,
  WorkerReply,
  WorkerRequest,
} from '../lib/protocol.js';
import { decodeState, encodeState, type PageState } from '../lib/share.js';
import { byId, h, showInPane } from './dom.js';
import { createEditor } from './editor.js';
import {
  renderContextInputs,
  renderListing,
  renderLog,
  renderMaps,
  renderProblems,
  renderRunResult,
  renderState,
  renderVerdict,
  timingsText,
} from './panels.js';

/** Quiet time after a keystroke before the program is analysed again. */
const DEBOUNCE_MS = 150;
/** A request still unanswered after this long (a verification near its budget) restarts the worker. */
const WORKER_TIMEOUT_MS = 20_000;
/** Time spent measuring time per run: a little on every edit, more on Run. */
const EDIT_TIMING_MS = 3;
const RUN_TIMING_MS = 100;

const fromExample = (e: Example): PageState => ({
  lang: e.lang,
  source: e.source,
  type: e.type,
  logLevel: 2,
  run: {
    engine: 'wasm',
    fields: { ...e.fields },
    ctxHex: e.ctxHex ?? '',
    packetHex: e.packetHex ?? '',
    repeat: e.repeat ?? 1,
  },
});

const shared = await decodeState(location.hash);
const state: PageState = shared ?? fromExample(EXAMPLES[0]);
let analysis: Analysis | undefined;
let selected: number | undefined;
let shownShape = '';

// ---- the worker ------------------------------------------------------------------------

let worker: Worker;
let nextId = 1;
let inFlight: { id: number; sent: number; timer: ReturnType<typeof setTimeout> } | undefined;
let queued: { execute: boolean; timing: number } | undefined;

function startWorker(): void {
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<WorkerReply>) => onReply(e.data);
  worker.onerror = (e) => setStatus(`worker error: ${e.message}`, 'error');
}

function post(m: WorkerRequest): void {
  worker.postMessage(m);
}

function request(execute: boolean, timing: number): void {
  if (inFlight) {
    queued = { execute, timing };
    return;
  }
  const req: AnalyseRequest = {
    source: editor.text(),
    lang: state.lang,
    type: state.type,
    ...(state.program ? { program: state.program } : {}),
    logLevel: state.logLevel,
    run: state.run,
    execute,
    timingBudgetMs: timing,
  };
  const id = nextId++;
  const timer = setTimeout(() => {
    // Still busy: a verification near its budget. Start afresh rather than wait; an edit made
    // meanwhile is analysed by the new worker.
    worker.terminate();
    inFlight = undefined;
    startWorker();
    setStatus(`no answer after ${WORKER_TIMEOUT_MS / 1000} s: the worker was restarted`, 'error');
    sendQueued();
  }, WORKER_TIMEOUT_MS);
  inFlight = { id, sent: performance.now(), timer };
  setStatus('analysing…', 'busy');
  post({ kind: 'analyse', id, request: req });
}

function onReply(m: WorkerReply): void {
  if (m.kind === 'ready') {
    fillTypes(m.types);
    return;
  }
  if (m.kind === 'states') {
    if (m.states.insn === selected) renderState(byId('state'), m.states);
    return;
  }
  if (!inFlight || m.id !== inFlight.id) return;
  const { sent } = inFlight;
  const roundTrip = performance.now() - sent;
  clearTimeout(inFlight.timer);
  inFlight = undefined;
  if (m.kind === 'failed') setStatus(`internal error: ${m.message}`, 'error');
  else {
    show(m.analysis);
    setStatus(timingsText(m.analysis, roundTrip), 'done');
    // For tests and the measurement script: how many analyses are shown, and the last one's
    // time from request to rendered panels.
    const rendered = performance.now() - sent;
    document.body.dataset.analysed = String(m.id);
    document.body.dataset.renderedMs = rendered.toFixed(2);
    if (m.id === 1) performance.mark('tbpf:first-analysis');
  }
  sendQueued();
}

function sendQueued(): void {
  if (!queued) return;
  const q = queued;
  queued = undefined;
  request(q.execute, q.timing);
}

// ---- the page ----------------------------------------------------------------------------

function setStatus(text: string, kind: 'busy' | 'done' | 'error'): void {
  const el = byId('status');
  el.textContent = text;
  el.className = `status ${kind}`;
}

let debounce: ReturnType<typeof setTimeout> | undefined;
function edited(): void {
  clearTimeout(debounce);
  debounce = setTimeout(() => request(true, EDIT_TIMING_MS), DEBOUNCE_MS);
}

const exampleSelect = byId<HTMLSelectElement>('example');

function runNow(): void {
  clearTimeout(debounce);
  request(true, RUN_TIMING_MS);
}

const editor = createEditor(byId('editor'), state.source, state.lang, {
  onChange() {
    // Once edited, the source is no longer the example the selector names.
    const example = EXAMPLES.find((e) => e.id === exampleSelect.value);
    if (example && example.source !== editor.text()) exampleSelect.value = '';
    edited();
  },
  onCursorLine: (line) => linkCursor(line),
  onRun: runNow,
});

function linkCursor(line: number): void {
  let first: Element | undefined;
  for (const el of byId('listing').querySelectorAll('.insn')) {
    const on = (el as HTMLElement).dataset.line === String(line);
    el.classList.toggle('linked', on);
    if (on) first ??= el;
  }
  showInPane(first);
}

function select(insn: number): void {
  selected = insn;
  for (const el of document.querySelectorAll('[data-insn]'))
    el.classList.toggle('selected', (el as HTMLElement).dataset.insn === String(insn));
  showInPane(byId('listing').querySelector(`.insn[data-insn="${insn}"]`));
  showInPane(byId('log').querySelector(`[data-insn="${insn}"]`));
  byId('state-title').textContent = `insn ${insn}`;
  const line = analysis?.listing.find((l) => l.kind === 'insn' && l.insn === insn);
  const sourceLine = line?.kind === 'insn' ? line.line : undefined;
  markEditor(sourceLine);
  if (sourceLine) editor.scrollTo(sourceLine);
  post({ kind: 'states', id: 0, insn });
}

/** Show a source line: the cursor goes there (which marks its instructions in the listing). */
function revealSource(line: number): void {
  editor.reveal(line);
  editor.view.focus();
}

function markEditor(linked?: number): void {
  const v = analysis?.verifier;
  editor.markLines({ rejected: v && !v.accepted ? v.line : undefined, linked: linked ? [linked] : [] });
}

function show(a: Analysis): void {
  editor.showDiagnostics(a.diagnostics);
  renderProblems(byId('problems'), a.diagnostics, revealSource);
  // Mid-edit the source often does not compile: keep the last program's panels, dimmed, until it does.
  const stale = a.listing.length === 0 && (analysis?.listing.length ?? 0) > 0;
  document.body.classList.toggle('stale', stale);
  setChip(a);
  if (stale) return;
  analysis = a;
  renderListing(byId('listing'), a, select, revealSource);
  renderVerdict(byId('verdict'), a, select);
  renderLog(byId('log'), a, select, revealSource);
  fillPrograms(a);
  typeAuto(a);
  showContext(a.context);
  renderRunResult(
    byId('run-result'),
    a.run,
    a.verifier?.accepted === false ? 'The verifier rejected the program: it does not run.' : undefined,
  );
  renderMaps(
    byId('maps'),
    a.run?.maps ?? a.maps,
    a.run
      ? 'after the last run'
      : a.verifier?.accepted
        ? 'as loaded (not run yet)'
        : 'as declared (the program was not loaded)',
  );
  // Keep the selection where it still means something; else point at the rejection.
  const insnCount = a.verifier?.visits.length ?? 0;
  if (a.verifier && !a.verifier.accepted && a.verifier.insn !== undefined) select(a.verifier.insn);
  else if (selected !== undefined && selected < insnCount) select(selected);
  else {
    selected = undefined;
    byId('state-title').textContent = '—';
    renderState(byId('state'), undefined);
    markEditor();
  }
}

function setChip(a: Analysis): void {
  const chip = byId('verdict-chip');
  chip.textContent = a.verifier
    ? a.verifier.accepted
      ? 'accepted'
      : 'rejected'
    : a.diagnostics.some((d) => d.severity === 'error')
      ? 'errors'
      : '';
  chip.className = `chip ${chip.textContent}`;
}

function showContext(shape: ContextShape): void {
  const key = JSON.stringify(shape);
  if (key === shownShape) return;
  shownShape = key;
  renderContextInputs(byId('ctx'), shape, state.run, (what, value) => {
    if ('hex' in what) state.run[what.hex] = value;
    else state.run.fields[what.field] = value;
    edited();
  });
}

// ---- toolbar -------------------------------------------------------------------------------

const langSelect = byId<HTMLSelectElement>('lang');
const typeSelect = byId<HTMLSelectElement>('type');
const programSelect = byId<HTMLSelectElement>('program');
const logSelect = byId<HTMLSelectElement>('log-level');
const engineSelect = byId<HTMLSelectElement>('engine');
const repeatInput = byId<HTMLInputElement>('repeat');

exampleSelect.replaceChildren(
  h('option', { value: '' }, 'Examples…'),
  ...EXAMPLES.map((e) => h('option', { value: e.id }, e.title)),
);
if (!shared) exampleSelect.value = EXAMPLES[0].id;
exampleSelect.addEventListener('change', () => {
  const e = EXAMPLES.find((x) => x.id === exampleSelect.value);
  if (!e) return;
  Object.assign(state, fromExample(e));
  delete state.program;
  shownShape = '';
  syncControls();
  editor.setLang(state.lang);
  editor.setText(state.source);
  selected = undefined;
  clearTimeout(debounce);
  request(true, EDIT_TIMING_MS);
});

function fillTypes(types: readonly string[]): void {
  typeSelect.replaceChildren(
    h('option', { value: 'auto' }, 'auto'),
    ...types.map((t) => h('option', { value: t }, t)),
  );
  typeSelect.value = state.type;
}

function typeAuto(a: Analysis): void {
  const auto = typeSelect.querySelector('option[value="auto"]');
  if (auto) auto.textContent = a.typeName ? `auto (${a.typeName})` : 'auto';
}

function fillPrograms(a: Analysis): void {
  const label = byId('program-label');
  label.hidden = a.programs.length < 2;
  programSelect.replaceChildren(
    ...a.programs.map((p) => h('option', { value: p.name }, p.section ? `${p.name} (${p.section})` : p.name)),
  );
  if (a.program) programSelect.value = a.program.name;
}

function syncControls(): void {
  langSelect.value = state.lang;
  typeSelect.value = state.type;
  logSelect.value = String(state.logLevel);
  engineSelect.value = state.run.engine;
  repeatInput.value = String(state.run.repeat);
}

langSelect.addEventListener('change', () => {
  state.lang = langSelect.value as Lang;
  editor.setLang(state.lang);
  edited();
});
typeSelect.addEventListener('change', () => {
  state.type = typeSelect.value;
  edited();
});
programSelect.addEventListener('change', () => {
  state.program = programSelect.value;
  selected = undefined;
  edited();
});
logSelect.addEventListener('change', () => {
  state.logLevel = logSelect.value === '1' ? 1 : 2;
  edited();
});
engineSelect.addEventListener('change', () => {
  state.run.engine = engineSelect.value === 'interp' ? 'interp' : 'wasm';
  edited();
});
repeatInput.addEventListener('input', () => {
  const n = Number(repeatInput.value);
  if (Number.isInteger(n) && n >= 1) {
    state.run.repeat = Math.min(n, 1_000_000);
    edited();
  }
});
byId('run').addEventListener('click', runNow);
byId('share').addEventListener('click', async () => {
  const fragment = await encodeState({ ...state, source: editor.text() });
  history.replaceState(null, '', `#${fragment}`);
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus('link copied: it holds the program and every setting', 'done');
  } catch {
    setStatus('the link in the address bar holds the program and every setting', 'done');
  }
});

syncControls();
startWorker();
request(true, EDIT_TIMING_MS);
