// The catalog's naming rule, kept free of Node imports so the dashboard can group by it too.

/**
 * The system a catalog scenario belongs to: the shortest other scenario name that its own name
 * extends with a dash ("retry-storm-backoff-jitter" -> "retry-storm"), or its own name when none
 * does. A variant is named after the scenario it varies, so a system is its base scenario's name.
 */
export function systemOf(name: string, names: readonly string[]): string {
  let system = name;
  for (const other of names) {
    if (other.length < system.length && name.startsWith(`${other}-`)) system = other;
  }
  return system;
}

/** A system and its scenarios: the base scenario first, then its variants by name. */
export interface SystemGroup<T> {
  system: string;
  entries: T[];
}

/** Groups catalog entries by system, systems in name order. */
export function groupBySystem<T extends { name: string }>(entries: readonly T[]): SystemGroup<T>[] {
  const names = entries.map((e) => e.name);
  const groups = new Map<string, T[]>();
  for (const e of entries) {
    const system = systemOf(e.name, names);
    const list = groups.get(system) ?? [];
    list.push(e);
    groups.set(system, list);
  }
  const byName = (a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([system, list]) => ({
      system,
      entries: list.sort((a, b) => (a.name === system ? -1 : b.name === system ? 1 : byName(a, b))),
    }));
}
