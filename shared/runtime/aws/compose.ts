import type { Deps } from '../../ports/index.ts';

/** How a deployed function builds one port: called once, on the handler's first use of it. */
export type Provider<K extends keyof Deps> = () => Deps[K];

/**
 * A deployed function's dependencies, from the providers its handler needs and nothing else:
 * `makeHandler(composeDeps({ org, members, ids, clock }))`. Each function module imports only the
 * provider modules (shared/runtime/aws/*.ts) it uses, so esbuild leaves every other AWS client
 * out of its bundle. Lazy: nothing is read or built until the handler first touches a port, so
 * importing a function module needs no environment and has no side effects.
 */
export function composeDeps<K extends keyof Deps>(providers: { [P in K]: Provider<P> }): Pick<Deps, K> {
  return lazy<Pick<Deps, K>>(providers as { [P in K]: () => Pick<Deps, K>[P] });
}

/** An object whose properties are built on first access and then kept. */
export function lazy<T extends object>(factories: { [K in keyof T]: () => T[K] }): T {
  const target = {} as T;
  for (const key of Object.keys(factories) as (keyof T)[]) {
    Object.defineProperty(target, key, {
      enumerable: true,
      configurable: true,
      get() {
        const value = factories[key]();
        Object.defineProperty(target, key, { value, enumerable: true });
        return value;
      },
    });
  }
  return target;
}

/** A value made on first call and then kept (one client per cold start). */
export const once = <T>(make: () => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};
