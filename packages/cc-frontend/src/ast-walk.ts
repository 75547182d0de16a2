/** Generic traversal of the typed tree: every statement and expression node under a statement. */
import type { Expr, Stmt } from './ast.js';

/** Calls onStmt / onExpr for each node under s (s included), parents before children. */
export function walk(s: Stmt, onStmt: (s: Stmt) => void, onExpr: (e: Expr) => void): void {
  const expr = (e: Expr | undefined): void => {
    if (!e) return;
    onExpr(e);
    switch (e.kind) {
      case 'unary':
      case 'cast':
      case 'deref':
      case 'addr':
        expr(e.e);
        return;
      case 'binary':
      case 'logand':
      case 'logor':
      case 'comma':
      case 'assign':
      case 'opassign':
        expr(e.l);
        expr(e.r);
        return;
      case 'incdec':
        expr(e.l);
        return;
      case 'cond':
        expr(e.c);
        expr(e.a);
        expr(e.b);
        return;
      case 'member':
        expr(e.base);
        return;
      case 'call':
      case 'helper':
      case 'builtin':
        for (const a of e.args) expr(a);
        return;
      case 'stmtexpr':
        for (const b of e.body) stmt(b);
        expr(e.result);
        return;
      case 'coreinfo':
        if (e.what === 'field') expr(e.access);
        return;
      default:
        return;
    }
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
