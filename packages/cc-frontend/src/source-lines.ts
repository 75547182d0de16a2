/** Source text by line, each file split once (for line info and `-S` comments). */
import type { SourceMap } from './diagnostics.js';

export function sourceLines(sources: SourceMap): (file: string, line: number) => string {
  const cache = new Map<string, string[]>();
  return (file, line) => {
    let lines = cache.get(file);
    if (!lines) {
      lines = sources.get(file)?.split('\n') ?? [];
      cache.set(file, lines);
    }
    return lines[line - 1] ?? '';
  };
}
