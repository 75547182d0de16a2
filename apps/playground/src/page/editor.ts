/**
 * The source editor: CodeMirror 6 with C or BPF assembly highlighting, compiler and verifier
 * diagnostics inline (lint), and line marks for the rejected line and the lines of the
 * selected instructions.
 */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  StreamLanguage,
  syntaxHighlighting,
} from '@codemirror/language';
import { c } from '@codemirror/legacy-modes/mode/clike';
import { type Diagnostic as CmDiagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Diagnostic, Lang } from '../lib/protocol.js';

/** C, with CodeMirror's C mode (a stream tokenizer: a fraction of a full grammar's size). */
const cLang = StreamLanguage.define(c);

/** BPF assembly in either syntax: comments, registers, numbers, mnemonics, labels. */
const bpfAsm = StreamLanguage.define<{ start: boolean }>({
  startState: () => ({ start: true }),
  token(stream, state) {
    if (stream.sol()) state.start = true;
    if (stream.eatSpace()) return null;
    if (stream.match(/^(#|\/\/|;).*/)) return 'comment';
    if (stream.match(/^%?[rw]\d+\b/)) return 'variableName';
    if (stream.match(/^-?(0x[0-9a-f]+|\d+)\b/i)) return 'number';
    if (stream.match(/^[A-Za-z_.$][\w.$]*:/)) return 'labelName';
    if (stream.match(/^(u8|u16|u32|u64|s8|s16|s32)\b/)) return 'typeName';
    if (stream.match(/^[A-Za-z_.$][\w.$]*/)) {
      const first = state.start;
      state.start = false;
      return first ||
        /^(if|goto|gotol|call|exit|ll|be16|be32|be64|le16|le32|le64|lock|atomic_\w+)$/.test(stream.current())
        ? 'keyword'
        : null;
    }
    stream.next();
    state.start = false;
    return null;
  },
});

const highlight = HighlightStyle.define([
  { tag: tags.comment, color: '#7f8c98', fontStyle: 'italic' },
  { tag: [tags.keyword, tags.controlKeyword, tags.modifier], color: '#c792ea' },
  { tag: [tags.typeName, tags.standard(tags.typeName)], color: '#82aaff' },
  { tag: [tags.number, tags.bool], color: '#f78c6c' },
  { tag: [tags.string, tags.character], color: '#c3e88d' },
  { tag: tags.processingInstruction, color: '#89ddff' },
  { tag: tags.variableName, color: '#e6edf3' },
  { tag: [tags.function(tags.variableName), tags.labelName], color: '#ffcb6b' },
  { tag: tags.definition(tags.variableName), color: '#eeffff' },
  { tag: [tags.operator, tags.punctuation], color: '#89ddff' },
  { tag: tags.macroName, color: '#89ddff' },
]);

const theme = EditorView.theme(
  {
    '&': { height: '100%', backgroundColor: 'var(--bg-code)', color: 'var(--fg)' },
    '.cm-content': { fontFamily: 'var(--mono)', caretColor: '#ffcc00' },
    '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
    '.cm-gutters': { backgroundColor: 'var(--bg-code)', color: 'var(--fg-dim)', border: 'none' },
    '.cm-activeLine': { backgroundColor: 'rgba(255,255,255,0.035)' },
    '.cm-activeLineGutter': { backgroundColor: 'rgba(255,255,255,0.05)' },
    '&.cm-focused .cm-cursor': { borderLeftColor: '#ffcc00' },
    '.cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection': {
      backgroundColor: 'rgba(100,150,255,0.28) !important',
    },
    '.cm-rejected-line': { backgroundColor: 'rgba(248,81,73,0.16)', boxShadow: 'inset 3px 0 0 #f85149' },
    '.cm-linked-line': { backgroundColor: 'rgba(56,139,253,0.14)', boxShadow: 'inset 3px 0 0 #388bfd' },
    '.cm-tooltip': { backgroundColor: '#1c2330', border: '1px solid #30363d', color: 'var(--fg)' },
    '.cm-diagnostic': { fontFamily: 'var(--mono)', fontSize: '12px' },
  },
  { dark: true },
);

interface LineMarks {
  rejected?: number;
  linked: readonly number[];
}

const setMarks = StateEffect.define<LineMarks>();

const marks = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    value = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setMarks)) value = buildMarks(tr.state, e.value);
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function buildMarks(state: EditorState, m: LineMarks): DecorationSet {
  const lines = new Map<number, string>();
  for (const l of m.linked) lines.set(l, 'cm-linked-line');
  if (m.rejected !== undefined) lines.set(m.rejected, 'cm-rejected-line');
  const builder = new RangeSetBuilder<Decoration>();
  for (const n of [...lines.keys()].sort((a, b) => a - b)) {
    if (n < 1 || n > state.doc.lines) continue;
    builder.add(state.doc.line(n).from, state.doc.line(n).from, Decoration.line({ class: lines.get(n) }));
  }
  return builder.finish();
}

export interface SourceEditor {
  view: EditorView;
  text(): string;
  setText(text: string): void;
  setLang(lang: Lang): void;
  showDiagnostics(diagnostics: readonly Diagnostic[]): void;
  markLines(marks: LineMarks): void;
  /** Put the cursor on a line and scroll it into view. */
  reveal(line: number): void;
  /** Scroll a line into view, leaving the cursor where it is. */
  scrollTo(line: number): void;
}

export interface EditorEvents {
  onChange(): void;
  /** The cursor moved to another line. */
  onCursorLine(line: number): void;
  /** Ctrl-Enter (Cmd-Enter). */
  onRun(): void;
}

export function createEditor(
  parent: HTMLElement,
  text: string,
  lang: Lang,
  events: EditorEvents,
): SourceEditor {
  const language = new Compartment();
  const langExt = (l: Lang) => (l === 'c' ? cLang : bpfAsm);
  let cursorLine = 0;
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        lintGutter(),
        language.of(langExt(lang)),
        syntaxHighlighting(highlight),
        theme,
        marks,
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              events.onRun();
              return true;
            },
          },
          ...defaultKeymap,
          ...historyKeymap,
          indentWithTab,
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) events.onChange();
          const line = u.state.doc.lineAt(u.state.selection.main.head).number;
          if ((u.selectionSet || u.docChanged) && line !== cursorLine) {
            cursorLine = line;
            events.onCursorLine(line);
          }
        }),
      ],
    }),
  });
  const pos = (line: number, column: number) => {
    const l = view.state.doc.line(Math.min(Math.max(line, 1), view.state.doc.lines));
    return { from: Math.min(l.from + Math.max(column - 1, 0), l.to), line: l };
  };
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(t) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } });
    },
    setLang(l) {
      view.dispatch({ effects: language.reconfigure(langExt(l)) });
    },
    showDiagnostics(diagnostics) {
      const cm: CmDiagnostic[] = diagnostics.map((d) => {
        const { from, line } = pos(d.line, d.column);
        const word = /^[\w.]+/.exec(view.state.doc.sliceString(from, line.to))?.[0].length ?? 0;
        return {
          from,
          to: word > 0 ? from + word : line.to,
          severity: d.severity === 'note' ? 'info' : d.severity,
          source: d.source,
          message: d.message,
        };
      });
      view.dispatch(setDiagnostics(view.state, cm));
    },
    markLines(m) {
      view.dispatch({ effects: setMarks.of(m) });
    },
    scrollTo(line) {
      view.dispatch({ effects: EditorView.scrollIntoView(pos(line, 1).from, { y: 'nearest' }) });
    },
    reveal(line) {
      const { from } = pos(line, 1);
      view.dispatch({
        selection: { anchor: from },
        effects: EditorView.scrollIntoView(from, { y: 'center' }),
      });
    },
  };
}
