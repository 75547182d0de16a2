export const BUNDLED_HEADERS: ReadonlyMap<string, string> = new Map();
