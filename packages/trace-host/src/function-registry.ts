/**
 * Host functions that kprobe-style probes can attach to, registered by name. Attaching wraps
 * `obj[key]` in place (so callers going through the property are traced); removing the last
 * probe puts the original back. Probe callbacks never throw into the host: the host passes
 * callbacks that already contain their errors.
 *
 * A registry may also resolve names it was never given (`resolve`, e.g. a module's export
 * `./lib/db.js:query`): such a function is registered while probes are attached to it and
 * forgotten when the last one goes.
 */
export interface ProbeHooks {
  /** Called before the function with its arguments. */
  entry?(args: readonly unknown[]): void;
  /** Called after it returns, with its arguments and return value. */
  exit?(args: readonly unknown[], ret: unknown): void;
}

export interface RegisteredFunction {
  /** The canonical name (a resolved name's canonical form, e.g. an absolute module path). */
  name: string;
  /** A stable fake code address for the symbol (the `ip` in pt_regs), like kallsyms. */
  address: number;
  /** Number of probes attached. */
  readonly probes: number;
}

/** The seam between probes and the functions they wrap; tests may substitute their own. */
export interface ProbeRegistry {
  register(name: string, obj: object, key: PropertyKey): RegisteredFunction;
  /** A registered function, or one the registry can resolve (attach/detach then use its `name`). */
  lookup(name: string): RegisteredFunction | undefined;
  list(): RegisteredFunction[];
  attach(name: string, hooks: ProbeHooks): void;
  detach(name: string, hooks: ProbeHooks): void;
}

export class ProbeRegistryError extends Error {
  override name = 'ProbeRegistryError';
}

/** What a resolver finds for a name: the canonical name and the property holding the function. */
export interface ResolvedFunction {
  name: string;
  obj: object;
  key: PropertyKey;
}

/** Finds functions by names the registry was not given; throws ProbeRegistryError with the reason. */
export type FunctionResolver = (name: string) => ResolvedFunction | undefined;

interface Entry {
  name: string;
  address: number;
  /** Found by the resolver: forgotten when its last probe goes. */
  resolved: boolean;
  obj: Record<PropertyKey, unknown>;
  key: PropertyKey;
  original: (...args: unknown[]) => unknown;
  wrapper: ((...args: unknown[]) => unknown) | null;
  /** Whether the property was the object's own before the wrapper went in (else it is inherited). */
  own: boolean;
  hooks: ProbeHooks[];
}

const SYMBOL_BASE = 0x5555_0000_0000;
const SYMBOL_STRIDE = 0x1000;

/** A symbol: `name` or `MOD:name` (kprobe_events' module form), names may be dotted paths. */
export const SYMBOL_PATTERN = /^(?:[\w$@./-]+:)?[A-Za-z_$][\w$.]*$/;

export class FunctionRegistry implements ProbeRegistry {
  private readonly byName = new Map<string, Entry>();
  private nextAddress = SYMBOL_BASE;

  constructor(private readonly resolve?: FunctionResolver) {}

  register(name: string, obj: object, key: PropertyKey): RegisteredFunction {
    return this.describe(this.add(name, obj, key, false));
  }

  private add(name: string, obj: object, key: PropertyKey, resolved: boolean): Entry {
    const target = obj as Record<PropertyKey, unknown>;
    const fn = target[key];
    if (typeof fn !== 'function')
      throw new ProbeRegistryError(`${String(key)} is not a function (registering '${name}')`);
    if (!SYMBOL_PATTERN.test(name)) throw new ProbeRegistryError(`invalid symbol name '${name}'`);
    const old = this.byName.get(name);
    if (old && old.hooks.length > 0)
      throw new ProbeRegistryError(`'${name}' has probes attached; remove them first`);
    const address = old?.address ?? this.nextAddress;
    if (!old) this.nextAddress += SYMBOL_STRIDE;
    const entry: Entry = {
      name,
      address,
      resolved,
      obj: target,
      key,
      original: fn as Entry['original'],
      wrapper: null,
      own: true,
      hooks: [],
    };
    this.byName.set(name, entry);
    return entry;
  }

  lookup(name: string): RegisteredFunction | undefined {
    const e = this.byName.get(name);
    if (e) return this.describe(e);
    const found = this.resolve?.(name);
    if (!found) return undefined;
    return this.describe(this.byName.get(found.name) ?? this.add(found.name, found.obj, found.key, true));
  }

  list(): RegisteredFunction[] {
    return [...this.byName.values()].map((e) => this.describe(e));
  }

  attach(name: string, hooks: ProbeHooks): void {
    const e = this.byName.get(name);
    if (!e) throw new ProbeRegistryError(`no registered function '${name}'`);
    e.hooks = [...e.hooks, hooks];
    if (!e.wrapper) {
      e.wrapper = makeWrapper(e);
      e.own = Object.hasOwn(e.obj, e.key);
      e.obj[e.key] = e.wrapper;
    }
  }

  detach(name: string, hooks: ProbeHooks): void {
    const e = this.byName.get(name);
    if (!e) return;
    e.hooks = e.hooks.filter((h) => h !== hooks);
    if (e.hooks.length === 0 && e.wrapper) {
      // Someone may have replaced the property since; only restore our own wrapper.
      if (e.obj[e.key] === e.wrapper) {
        if (e.own) e.obj[e.key] = e.original;
        else delete e.obj[e.key];
      }
      e.wrapper = null;
    }
    if (e.hooks.length === 0 && e.resolved) this.byName.delete(name);
  }

  private describe(e: Entry): RegisteredFunction {
    return { name: e.name, address: e.address, probes: e.hooks.length };
  }
}

/**
 * The wrapper runs entry hooks, the original, then exit hooks. When the original returns a
 * native Promise and a return probe is attached, the exit hooks run when it settles, with the
 * value it resolved to (undefined on rejection): the caller gets a promise that settles the
 * same way, after them.
 */
function makeWrapper(e: Entry): (...args: unknown[]) => unknown {
  const original = e.original;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const hooks = e.hooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].entry?.(args);
    const ret = original.apply(this, args);
    if (!hooks.some((h) => h.exit)) return ret;
    const exit = (value: unknown) => {
      for (let i = 0; i < hooks.length; i++) hooks[i].exit?.(args, value);
    };
    if (ret instanceof Promise && ret.constructor === Promise)
      return ret.then(
        (v) => {
          exit(v);
          return v;
        },
        (err) => {
          exit(undefined);
          throw err;
        },
      );
    exit(ret);
    return ret;
  };
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  return wrapper;
}
