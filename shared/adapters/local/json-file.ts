import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A JSON document kept in one file under the local data folder. Reads once, then serves the
 * in-memory copy; every `update` writes the whole document atomically (temp file + rename), so a
 * crash leaves the previous or the next version, never half of one. Synchronous on purpose: an
 * update cannot interleave with another on the event loop, and local volumes are tiny.
 */
export interface JsonFile<T> {
  read(): T;
  update<R>(change: (value: T) => R): R;
}

export function jsonFile<T>(path: string, initial: () => T): JsonFile<T> {
  let value: T | undefined;
  const load = (): T => {
    if (value !== undefined) return value;
    try {
      value = JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`${path} is not readable JSON; delete it (or the whole data folder) to start fresh`);
      }
      value = initial();
    }
    return value;
  };
  return {
    read: load,
    update(change) {
      const current = load();
      const result = change(current);
      mkdirSync(dirname(path), { recursive: true });
      const temp = `${path}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(current, null, 1), { mode: 0o600 });
      renameSync(temp, path);
      return result;
    },
  };
}
