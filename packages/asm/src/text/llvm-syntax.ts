import type { Statement } from './statements.js';
import type { TokenCursor } from './tokens.js';

export function parseLlvmLine(cur: TokenCursor): Statement[] {
  return cur.error('the LLVM syntax is not implemented yet', cur.peek());
}
