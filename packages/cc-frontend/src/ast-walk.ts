/** Generic traversal of the typed tree: every statement and expression node under a statement. */
import type { Expr, Stmt } from './ast.js';

/** The expressions directly under e (statement-expression bodies are statements: see walk). */
export function childExprs(e: Expr): Expr[] {
  switch (e.kind) {
    case 'unary':
    case 'cast':
    case 'deref':
    case 'addr':
      return [e.e];
    case 'binary':
    case 'logand':
    case 'logor':
    case 'comma':
    case 'assign':
    case 'opassign':
      return [e.l, e.r];
    case 'incdec':
      return [e.l];
    case 'cond':
      return [e.c, e.a, e.b];
    case 'member':
      return [e.base];
    case 'call':
    case 'helper':
    case 'builtin':
      return e.args;
    case 'stmtexpr':
      return e.result ? [e.result] : [];
    case 'coreinfo':
      return e.what === 'field' ? [e.access] : [];
    default:
      return [];
  }
}

/** Calls onStmt / onExpr for each node under s (s included), parents before children. */
export function walk(s: Stmt, onStmt: (s: Stmt) => void, onExpr: (e: Expr) => void): void {
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    onExpr(e);
    if (e.kind === 'stmtexpr') for (const b of e.body) stmt(b);
    for (const c of childExprs(e)) expr(c);
  };
  const stmt = (x: Stmt): void => {
    onStmt(x);
    switch (x.kind) {
      case 'block':
        for (const i of x.items) stmt(i);
        return;
      case 'expr':
        expr(x.e);
        return;
      case 'if':
        expr(x.c);
        stmt(x.then);
        if (x.else) stmt(x.else);
        return;
      case 'loop':
        expr(x.cond);
        expr(x.step);
        stmt(x.body);
        return;
      case 'switch':
        expr(x.e);
        stmt(x.body);
        return;
      case 'label':
        stmt(x.body);
        return;
      case 'return':
        expr(x.e);
        return;
      case 'init':
        for (const it of x.items) expr(it.value);
        return;
      case 'asm':
        for (const o of [...x.outputs, ...x.inputs]) expr(o.e);
        return;
      default:
        return;
    }
  };
  stmt(s);
}

/** Number of statement and expression nodes: a body's size when deciding to inline it. */
export function astSize(s: Stmt): number {
  let n = 0;
  walk(
    s,
    () => n++,
    () => n++,
  );
  return n;
}
