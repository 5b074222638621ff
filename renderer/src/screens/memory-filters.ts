import type { MemoryFilter, MemoryState, SearchMode } from '../../../src/contract/memory.js';

/** The memory screen's filters as the form holds them (strings), and as the core takes them. */
export interface FilterForm {
  text: string;
  mode: SearchMode;
  space: string;
  kind: string;
  tag: string;
  source: string;
  since: string;
  until: string;
  state: MemoryState | 'any';
}

export const EMPTY_FILTERS: FilterForm = { text: '', mode: 'hybrid', space: '', kind: '', tag: '', source: '', since: '', until: '', state: 'active' };

/** A date field's day as an inclusive range in local time, for the core's ISO bounds (the memory and audit filters). */
export const dayStart = (date: string) => new Date(`${date}T00:00:00`).toISOString();
export const dayEnd = (date: string) => new Date(`${date}T23:59:59.999`).toISOString();

/** `any` means every state the role may see: deleted memories only for roles that may see them. */
export function toFilter(f: FilterForm, seesDeleted: boolean): MemoryFilter {
  const tags = f.tag.split(/[\s,]+/).filter(Boolean);
  return {
    ...(f.space ? { spaces: [f.space] } : {}),
    ...(f.kind ? { kinds: [f.kind] } : {}),
    ...(tags.length ? { tags } : {}),
    ...(f.source.trim() ? { source: f.source.trim() } : {}),
    ...(f.since ? { since: dayStart(f.since) } : {}),
    ...(f.until ? { until: dayEnd(f.until) } : {}),
    states: f.state === 'any' ? (seesDeleted ? ['active', 'archived', 'deleted'] : ['active', 'archived']) : [f.state],
  };
}
