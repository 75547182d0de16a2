/**
 * The control socket's request schema, checked before anything acts on a request: each field's
 * type and range, which fields each operation takes. A request that does not fit is answered
 * with a typed error (`EINVAL`, naming the field) and nothing else happens.
 */

export type ControlOp = 'list' | 'read' | 'write' | 'pipe';

export interface ControlRequest {
  id: number;
  op: ControlOp;
  path?: string;
  data?: string;
  /** `data` is base64 (binary filter objects). */
  base64?: boolean;
  max?: number;
  timeoutMs?: number;
}

/** Longest accepted control-plane path, in characters. */
export const MAX_PATH_CHARS = 4096;
/** Longest pipe timeout: Node's timers hold at most 2^31 − 1 ms (about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class RequestError extends Error {
  override name = 'RequestError';
  readonly code = 'EINVAL';
  constructor(
    /** The request's id when it had a valid one, else -1. */
    readonly id: number,
    message: string,
  ) {
    super(message);
  }
}

type FieldCheck = (value: unknown) => string | undefined;

const isInt = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  const text = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? typeof v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

const FIELDS: Record<Exclude<keyof ControlRequest, 'id' | 'op'>, FieldCheck> = {
  path: (v) =>
    typeof v !== 'string'
      ? 'must be a string'
      : v.length > MAX_PATH_CHARS
        ? `is longer than ${MAX_PATH_CHARS} characters`
        : v.includes('\0')
          ? 'contains a NUL character'
          : undefined,
  data: (v) => (typeof v === 'string' ? undefined : 'must be a string'),
  base64: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
  max: (v) => (isInt(v, 1, Number.MAX_SAFE_INTEGER) ? undefined : 'must be a positive integer'),
  timeoutMs: (v) => (isInt(v, 0, MAX_TIMEOUT_MS) ? undefined : `must be an integer in 0..${MAX_TIMEOUT_MS}`),
};

/** Fields each operation takes, and which of them it needs. */
const OPS: Record<
  ControlOp,
  { takes: readonly (keyof typeof FIELDS)[]; needs: readonly (keyof typeof FIELDS)[] }
> = {
  list: { takes: ['path'], needs: [] },
  read: { takes: ['path'], needs: ['path'] },
  write: { takes: ['path', 'data', 'base64'], needs: ['path', 'data'] },
  pipe: { takes: ['max', 'timeoutMs'], needs: [] },
};

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The request a frame holds, or RequestError saying what is wrong with it. */
export function parseRequest(frame: unknown): ControlRequest {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw new RequestError(-1, `a request must be a JSON object, got ${show(frame)}`);
  }
  const obj = frame as Record<string, unknown>;
  if (!isInt(obj.id, 0, Number.MAX_SAFE_INTEGER)) {
    throw new RequestError(-1, `request: id must be a non-negative integer, got ${show(obj.id)}`);
  }
  const id = obj.id;
  const op = obj.op;
  if (typeof op !== 'string' || !Object.hasOwn(OPS, op)) {
    throw new RequestError(
      id,
      `request ${id}: op must be one of ${Object.keys(OPS).join(', ')}, got ${show(op)}`,
    );
  }
  const spec = OPS[op as ControlOp];
  const req: ControlRequest = { id, op: op as ControlOp };
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'id' || key === 'op' || value === undefined) continue;
    if (!(spec.takes as readonly string[]).includes(key)) {
      throw new RequestError(id, `request ${id}: '${op}' takes no field '${key}'`);
    }
    const field = key as keyof typeof FIELDS;
    const problem = FIELDS[field](value);
    if (problem) throw new RequestError(id, `request ${id}: ${key} ${problem}, got ${show(value)}`);
    (req as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of spec.needs) {
    if (req[key] === undefined) throw new RequestError(id, `request ${id}: '${op}' needs ${key}`);
  }
  if (req.base64 && !BASE64.test(req.data ?? '')) {
    throw new RequestError(id, `request ${id}: data is not base64`);
  }
  return req;
}
