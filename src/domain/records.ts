/**
 * Lookups in the state's id-keyed records (questions, stakeholders,
 * proposals…). Ids come from clients, so they may be any string, including
 * `constructor`, `toString` or `__proto__`: plain `id in record` and
 * `record[id]` would find what every object inherits. These only see entries.
 */
export function has(record: object, id: string): boolean {
  return Object.hasOwn(record, id);
}

export function entryOf<T>(record: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(record, id) ? record[id] : undefined;
}

/** Sets an entry as an own property, even for an id like `__proto__` (plain assignment would change the prototype). */
export function setEntry<T>(record: Record<string, T>, id: string, entry: T): void {
  Object.defineProperty(record, id, { value: entry, enumerable: true, writable: true, configurable: true });
}
