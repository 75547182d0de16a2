/**
 * Probe targets by module and export, kprobe_events' `MOD:SYM`: `./lib/db.js:query`,
 * `lib/db.js:Db.prototype.query`, `some-package:handler`. MOD is a path (relative to the
 * process's working directory, as in a shell) or else a package name, resolved as `require`
 * would from there; SYM is
 * a property path from the module's exports. The module must already be loaded as CommonJS
 * (probing never loads code); the probe wraps the property, so calls made through it — the
 * exports object, the prototype — are traced, while references copied out before the probe was
 * added are not. ES module bindings are read-only: probe a method of an exported object, or a
 * prototype method, instead.
 */
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { type FunctionResolver, ProbeRegistryError, type ResolvedFunction } from '../function-registry.js';

/** Resolves `MOD:SYM` names against the modules this process has loaded. */
export function moduleFunctionResolver(cwd: () => string = () => process.cwd()): FunctionResolver {
  return (name) => {
    const colon = name.lastIndexOf(':');
    if (colon <= 0) return undefined;
    return resolveModuleFunction(name.slice(0, colon), name.slice(colon + 1), cwd());
  };
}

export function resolveModuleFunction(mod: string, sym: string, cwd: string): ResolvedFunction {
  const req = createRequire(join(cwd, 'noop.js'));
  // A path relative to the working directory (as in a shell), else a package name.
  const attempts = isAbsolute(mod) || mod.startsWith('.') ? [resolve(cwd, mod)] : [resolve(cwd, mod), mod];
  let file: string | undefined;
  for (const a of attempts) {
    try {
      file = req.resolve(a);
      break;
    } catch {
      // next
    }
  }
  if (!file) throw new ProbeRegistryError(`cannot find module '${mod}' from ${cwd}`);
  const loaded = req.cache[file];
  if (!loaded?.loaded)
    throw new ProbeRegistryError(
      `module ${file} is not loaded as CommonJS in this process (probes never load code; ES module exports are read-only bindings)`,
    );
  const path = sym.split('.');
  let obj: unknown = loaded.exports;
  for (const part of path.slice(0, -1)) {
    obj = obj == null ? undefined : (obj as Record<string, unknown>)[part];
    if (obj == null || (typeof obj !== 'object' && typeof obj !== 'function'))
      throw new ProbeRegistryError(`${mod}: ${sym}: '${part}' is not an object`);
  }
  const key = path[path.length - 1];
  const owner = obj as Record<string, unknown>;
  if (typeof owner[key] !== 'function') throw new ProbeRegistryError(`${mod}: ${sym} is not a function`);
  const desc = propertyDescriptor(owner, key);
  if (desc && !desc.writable && !desc.set)
    throw new ProbeRegistryError(`${mod}: ${sym} is read-only (cannot be wrapped)`);
  return { name: `${file}:${sym}`, obj: owner, key };
}

/** The property's descriptor on the object or its prototype chain. */
function propertyDescriptor(obj: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = obj; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}
