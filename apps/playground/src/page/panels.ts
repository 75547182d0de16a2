/** The panels that show an analysis: listing, verifier verdict and log, state, run results, maps. */
import type {
  Analysis,
  ContextShape,
  Diagnostic,
  MapView,
  RunResult,
  RunSettings,
  StatesReply,
} from '../lib/protocol.js';
import { h } from './dom.js';

const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(1) : ms.toFixed(0));

export function renderProblems(
  el: HTMLElement,
  diagnostics: readonly Diagnostic[],
  reveal: (line: number) => void,
) {
  el.replaceChildren(
    ...diagnostics.map((d) => {
      const row = h(
        'div',
        { class: `problem ${d.severity}`, title: 'show in the source' },
        h('span', { class: 'sev' }, d.severity),
        h('span', { class: 'loc' }, `${d.line}:${d.column}`),
        h('span', { class: 'src' }, d.source),
        h('span', { class: 'msg' }, d.message),
      );
      row.addEventListener('click', () => reveal(d.line));
      return row;
    }),
  );
  el.hidden = diagnostics.length === 0;
}

/** A line of the listing or the log that quotes the source: click to see it in the editor. */
function sourceRow(text: string, line: number | undefined, cls: string, reveal: (line: number) => void) {
  const row = h('div', { class: cls, title: line ? `line ${line}` : undefined }, text);
  if (line) row.addEventListener('click', () => reveal(line));
  return row;
}

export function renderListing(
  el: HTMLElement,
  a: Analysis,
  select: (insn: number) => void,
  reveal: (line: number) => void,
) {
  const rejected = a.verifier?.accepted === false ? a.verifier.insn : undefined;
  const visits = a.verifier?.visits ?? [];
  el.replaceChildren(
    ...a.listing.map((l) => {
      if (l.kind === 'source') return sourceRow(l.text, l.line || undefined, 'ln source', reveal);
      if (l.kind !== 'insn') return h('div', { class: `ln ${l.kind}` }, l.text);
      const tab = l.text.indexOf('\t');
      const n = visits[l.insn] ?? 0;
      const cls = ['ln', 'insn', l.insn === rejected && 'rejected', a.verifier && n === 0 && 'unvisited']
        .filter(Boolean)
        .join(' ');
      const row = h(
        'div',
        {
          class: cls,
          'data-insn': l.insn,
          'data-line': l.line,
          title: a.verifier
            ? `instruction ${l.insn}${l.line ? `, line ${l.line}` : ''}; the verifier reached it ${n} time${n === 1 ? '' : 's'}`
            : undefined,
        },
        h('span', { class: 'slot' }, l.text.slice(0, tab)),
        h('span', { class: 'txt' }, l.text.slice(tab + 1)),
        l.note ? h('span', { class: 'note' }, l.note) : undefined,
        n > 1 ? h('span', { class: 'visits' }, `×${n}`) : undefined,
      );
      row.addEventListener('click', () => select(l.insn));
      return row;
    }),
  );
}

export function renderVerdict(el: HTMLElement, a: Analysis, select: (insn: number) => void) {
  const v = a.verifier;
  if (!v) {
    el.replaceChildren(
      h('div', { class: 'verdict none' }, a.listing.length ? 'not verified' : 'nothing to verify'),
    );
    return;
  }
  const type = a.typeName ? ` as ${a.typeName}` : '';
  if (v.accepted) {
    el.replaceChildren(
      h(
        'div',
        { class: 'verdict accepted' },
        h('span', { class: 'mark' }, '✓'),
        h('b', {}, 'accepted'),
        `${type} — processed ${v.processed} insns`,
      ),
    );
    return;
  }
  const where = h(
    'a',
    { href: '#', class: 'insn-link' },
    `insn ${v.insn}${v.line ? ` (line ${v.line})` : ''}`,
  );
  where.addEventListener('click', (e) => {
    e.preventDefault();
    if (v.insn !== undefined) select(v.insn);
  });
  el.replaceChildren(
    h(
      'div',
      { class: 'verdict rejected', id: 'rejection' },
      h('span', { class: 'mark' }, '✗'),
      h('b', {}, 'rejected'),
      `${type} at `,
      where,
      h('div', { class: 'reason' }, v.reason ?? ''),
    ),
  );
}

export function renderLog(
  el: HTMLElement,
  a: Analysis,
  select: (insn: number) => void,
  reveal: (line: number) => void,
) {
  el.replaceChildren(
    ...(a.verifier?.log ?? []).map((l) => {
      if (l.kind === 'source') return sourceRow(l.text, l.line, 'ln log source', reveal);
      const row = h('div', { class: `ln log ${l.kind}`, 'data-insn': l.insn }, l.text);
      if (l.insn !== undefined) {
        const insn = l.insn;
        row.addEventListener('click', () => select(insn));
      }
      return row;
    }),
  );
}

export function renderState(el: HTMLElement, s: StatesReply | undefined) {
  if (!s) {
    el.replaceChildren(
      h(
        'div',
        { class: 'hint' },
        'Click an instruction (listing or log) to see the registers and stack the verifier had there.',
      ),
    );
    return;
  }
  if (s.visits === 0) {
    el.replaceChildren(
      h(
        'div',
        { class: 'hint' },
        `The verifier did not reach instruction ${s.insn} (dead code, or after the rejection).`,
      ),
    );
    return;
  }
  const note =
    s.visits > s.states.length
      ? `reached ${s.visits} times (paths and loop iterations); the first ${s.states.length} shown`
      : `reached ${s.visits} time${s.visits === 1 ? '' : 's'}`;
  el.replaceChildren(
    h('div', { class: 'hint' }, `Before instruction ${s.insn}: ${note}.`),
    ...s.states.map((frames, k) =>
      h(
        'div',
        { class: 'visit' },
        s.states.length > 1 ? h('div', { class: 'visit-title' }, `visit ${k + 1}`) : undefined,
        ...frames.map((f, fi) =>
          h(
            'table',
            { class: 'regs' },
            frames.length > 1 ? h('caption', {}, `frame ${fi}`) : undefined,
            ...f.regs.map((r) => h('tr', {}, h('th', {}, `R${r.regno}`), h('td', {}, r.value))),
            ...f.stack.map((x) =>
              h('tr', { class: 'stack' }, h('th', {}, `fp${x.off}`), h('td', {}, x.value)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Which run input changed: a context field by name, or one of the hex texts. */
export type RunInput = { field: string } | { hex: 'ctxHex' | 'packetHex' };

function hexArea(id: string, value: string, placeholder: string, onInput: (value: string) => void) {
  const area = h('textarea', { id, rows: 3, spellcheck: 'false', placeholder });
  area.value = value;
  area.addEventListener('input', () => onInput(area.value));
  return area;
}

function fieldInput(name: string, value: string, title: string, onInput: (value: string) => void) {
  const input = h('input', { 'data-field': name, spellcheck: 'false', placeholder: '0', title });
  input.value = value;
  input.addEventListener('input', () => onInput(input.value));
  return h('label', { class: 'field' }, h('span', {}, name), input);
}

/** Inputs for the context the program type takes; `values` are kept by field name. */
export function renderContextInputs(
  el: HTMLElement,
  shape: ContextShape,
  run: Pick<RunSettings, 'fields' | 'ctxHex' | 'packetHex'>,
  onInput: (what: RunInput, value: string) => void,
) {
  const fields = run.fields;
  if (shape.kind === 'none') {
    el.replaceChildren(h('div', { class: 'hint' }, shape.reason));
    return;
  }
  if (shape.kind === 'memory') {
    el.replaceChildren(
      h('label', { class: 'ctx-label' }, `context bytes${shape.writable ? ' (writable)' : ''}`),
      hexArea(
        'ctx-hex',
        run.ctxHex,
        'context bytes in hex, e.g. 2a 00 00 00 (r1 points at them, r2 is their length)',
        (v) => onInput({ hex: 'ctxHex' }, v),
      ),
    );
    return;
  }
  if (shape.kind === 'packet') {
    const struct = { skb: 'struct __sk_buff', xdp: 'struct xdp_md', flow_dissector: 'struct bpf_flow_keys' };
    el.replaceChildren(
      h('label', { class: 'ctx-label' }, "packet (hex), run as the kernel's BPF_PROG_TEST_RUN runs it"),
      hexArea('packet-hex', run.packetHex, 'ff ff ff ff ff ff … (empty: an all-zero Ethernet header)', (v) =>
        onInput({ hex: 'packetHex' }, v),
      ),
      h('div', { class: 'hint' }, `${struct[shape.packet]} fields a test run takes (ctx_in; cb: "1, 2")`),
      h(
        'div',
        { class: 'fields' },
        ...shape.fields.map((name) =>
          fieldInput(name, fields[name] ?? '', `${struct[shape.packet]}.${name}`, (v) =>
            onInput({ field: name }, v),
          ),
        ),
      ),
    );
    return;
  }
  el.replaceChildren(
    h(
      'div',
      { class: 'hint' },
      `context: ${shape.size} bytes — integers (42, 0x2a, -1) or "strings" (passed by address)`,
    ),
    h(
      'div',
      { class: 'fields' },
      ...shape.fields.map((f) =>
        fieldInput(
          f.name,
          fields[f.name] ?? '',
          `offset ${f.off}, ${f.size} byte${f.size === 1 ? '' : 's'}${f.writable ? ', writable' : ''}`,
          (v) => onInput({ field: f.name }, v),
        ),
      ),
    ),
  );
}

export function renderRunResult(el: HTMLElement, run: RunResult | undefined, reason?: string) {
  if (!run) {
    el.replaceChildren(
      h('div', { class: 'hint' }, reason ?? 'Run the program to see r0, the maps and trace_printk output.'),
    );
    return;
  }
  const r0 = BigInt(run.r0);
  const time =
    run.nsPerRun !== undefined
      ? `${run.nsPerRun < 1000 ? `${run.nsPerRun.toFixed(0)} ns` : `${(run.nsPerRun / 1000).toFixed(2)} µs`} per run (mean of ${run.timedRuns?.toLocaleString('en')} runs)`
      : '';
  el.replaceChildren(
    run.error
      ? h('div', { class: 'run-error' }, run.error)
      : h(
          'div',
          { class: 'r0-row' },
          h('span', { class: 'r0-label' }, 'r0 ='),
          h('span', { id: 'r0', class: 'r0' }, run.r0),
          run.r0Signed !== run.r0 ? h('span', { class: 'dim' }, `(${run.r0Signed})`) : undefined,
          h('span', { class: 'dim' }, `0x${r0.toString(16)}`),
        ),
    h(
      'div',
      { class: 'run-meta' },
      h('span', {}, `${run.engine}`),
      h('span', {}, `${run.runs} run${run.runs === 1 ? '' : 's'}`),
      run.instructions !== undefined ? h('span', {}, `${run.instructions} insns executed`) : undefined,
      time ? h('span', { id: 'time-per-run' }, time) : undefined,
    ),
    ...(run.packet
      ? [
          h(
            'div',
            { class: 'packet-out' },
            h('div', { class: 'printk-title' }, `retval ${run.packet.retval} — the packet after the run`),
            h('pre', { id: 'packet-out', class: 'printk' }, run.packet.data || '(empty)'),
            run.packet.redirect
              ? h('div', { id: 'redirect', class: 'dim' }, `redirect: ${run.packet.redirect}`)
              : undefined,
          ),
        ]
      : []),
    h('div', { class: 'printk-title' }, `trace_printk (${run.printk.length})`),
    h('pre', { id: 'printk', class: 'printk' }, run.printk.join('\n') || '—'),
  );
}

export function renderMaps(el: HTMLElement, maps: readonly MapView[], when: string) {
  if (maps.length === 0) {
    el.replaceChildren(h('div', { class: 'hint' }, 'The program uses no maps.'));
    return;
  }
  el.replaceChildren(
    h('div', { class: 'hint' }, when),
    ...maps.map((m) =>
      h(
        'div',
        { class: 'map', 'data-map': m.name },
        h(
          'div',
          { class: 'map-title' },
          h('b', {}, m.name),
          h(
            'span',
            { class: 'dim' },
            ` ${m.type} · key ${m.keySize} B · value ${m.valueSize} B · max ${m.maxEntries} · ${m.count} entr${m.count === 1 ? 'y' : 'ies'}`,
          ),
        ),
        m.entries.length
          ? h(
              'table',
              { class: 'entries' },
              h('tr', {}, h('th', {}, 'key'), h('th', {}, 'value')),
              ...m.entries.map(([k, v]) =>
                h('tr', {}, h('td', { class: 'key' }, k), h('td', { class: 'value' }, v)),
              ),
            )
          : h('div', { class: 'dim empty' }, 'empty'),
      ),
    ),
  );
}

export function timingsText(a: Analysis, roundTrip: number): string {
  const t = a.timings;
  return `compile ${fmtMs(t.compile)} · verify ${fmtMs(t.verify)} · load ${fmtMs(t.load)} · run ${fmtMs(t.run)} ms — ${fmtMs(roundTrip)} ms after the edit`;
}
