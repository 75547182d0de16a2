/** How the demos print: a heading with a rule under the step's title, and indented blocks. */
export type Out = (text: string) => void;

const WIDTH = 76;

/** `── title ───…`, WIDTH wide (at least three dashes after a long title). */
export const rule = (out: Out, title: string) =>
  out(`\n── ${title} ${'─'.repeat(Math.max(3, WIDTH - 4 - title.length))}\n`);

export const indent = (text: string, by = '    ') =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');
