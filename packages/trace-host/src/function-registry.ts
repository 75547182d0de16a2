/**
 * Host functions that kprobe-style probes can attach to, registered by name. Attaching wraps
 * `obj[key]` in place (so callers going through the property are traced); removing the last
 * probe puts the original back. Probe callbacks never throw into the host: the host passes
 * callbacks that already contain their errors.
 */
export interface ProbeHooks {
  /** Called before the function with its arguments. */
  entry?(args: readonly unknown[]): void;
  /** Called after it returns, with its arguments and return value. */
  exit?(args: readonly unknown[], ret: unknown): void;
}

export interface RegisteredFunction {
  name: string;
  /** A stable fake code address for the symbol (the `ip` in pt_regs), like kallsyms. */
  address: number;
  /** Number of probes attached. */
  readonly probes: number;
}

/** The seam between probes and the functions they wrap; tests may substitute their own. */
export interface ProbeRegistry {
  register(name: string, obj: object, key: PropertyKey): RegisteredFunction;
  lookup(name: string): RegisteredFunction | undefined;
  list(): RegisteredFunction[];
  attach(name: string, hooks: ProbeHooks): void;
  detach(name: string, hooks: ProbeHooks): void;
}

export class ProbeRegistryError extends Error {
  override name = 'ProbeRegistryError';
}

interface Entry {
  name: string;
  address: number;
  obj: Record<PropertyKey, unknown>;
  key: PropertyKey;
  original: (...args: unknown[]) => unknown;
  wrapper: ((...args: unknown[]) => unknown) | null;
  hooks: ProbeHooks[];
}

const SYMBOL_BASE = 0x5555_0000_0000;
const SYMBOL_STRIDE = 0x1000;

export class FunctionRegistry implements ProbeRegistry {
  private readonly byName = new Map<string, Entry>();

  register(name: string, obj: object, key: PropertyKey): RegisteredFunction {
    const target = obj as Record<PropertyKey, unknown>;
    const fn = target[key];
    if (typeof fn !== 'function')
      throw new ProbeRegistryError(`${String(key)} is not a function (registering '${name}')`);
    if (!/^[A-Za-z_$][\w$.]*$/.test(name)) throw new ProbeRegistryError(`invalid symbol name '${name}'`);
    const old = this.byName.get(name);
    if (old && old.hooks.length > 0)
      throw new ProbeRegistryError(`'${name}' has probes attached; remove them first`);
    const address = old?.address ?? SYMBOL_BASE + this.byName.size * SYMBOL_STRIDE;
    this.byName.set(name, {
      name,
      address,
      obj: target,
      key,
      original: fn as Entry['original'],
      wrapper: null,
      hooks: [],
    });
    return this.describe(this.byName.get(name) as Entry);
  }

  lookup(name: string): RegisteredFunction | undefined {
    const e = this.byName.get(name);
    return e && this.describe(e);
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
      e.obj[e.key] = e.wrapper;
    }
  }

  detach(name: string, hooks: ProbeHooks): void {
    const e = this.byName.get(name);
    if (!e) return;
    e.hooks = e.hooks.filter((h) => h !== hooks);
    if (e.hooks.length === 0 && e.wrapper) {
      // Someone may have replaced the property since; only restore our own wrapper.
      if (e.obj[e.key] === e.wrapper) e.obj[e.key] = e.original;
      e.wrapper = null;
    }
  }

  private describe(e: Entry): RegisteredFunction {
    return { name: e.name, address: e.address, probes: e.hooks.length };
  }
}

function makeWrapper(e: Entry): (...args: unknown[]) => unknown {
  const original = e.original;
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const hooks = e.hooks;
    for (let i = 0; i < hooks.length; i++) hooks[i].entry?.(args);
    const ret = original.apply(this, args);
    for (let i = 0; i < hooks.length; i++) hooks[i].exit?.(args, ret);
    return ret;
  };
  Object.defineProperty(wrapper, 'name', { value: original.name });
  Object.defineProperty(wrapper, 'length', { value: original.length });
  return wrapper;
}
