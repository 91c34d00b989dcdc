/**
 * Which stored objects a list or watch returns: label selector, field selector (only the field labels the real
 * API server supports for the resource; others are a 400) and namespace.
 */
import type { ResourceType } from './resource-types.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import type { WireObject } from './wire.js';

export type ObjectFilter = (stored: WireObject) => boolean;

export interface FilterQuery {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** Throws SelectorError for a malformed selector or an unsupported field label. */
export function compileObjectFilter(type: ResourceType, query: FilterQuery): ObjectFilter {
  const labels = parseLabelSelector(query.labelSelector);
  const fields = parseFieldSelector(query.fieldSelector).map((requirement) => {
    const read = fieldReader(type, requirement.field);
    if (read === undefined) throw new SelectorError(`field label not supported: ${requirement.field}`);
    return { ...requirement, read };
  });
  return (stored) => {
    if (query.namespace !== undefined && stored.metadata?.namespace !== query.namespace) return false;
    if (!labels(stored.metadata?.labels ?? {})) return false;
    return fields.every((f) => {
      const value = f.read(stored) ?? '';
      return f.op === '=' ? value === f.value : value !== f.value;
    });
  };
}

function fieldReader(type: ResourceType, field: string): ((o: WireObject) => string | undefined) | undefined {
  if (field === 'metadata.name') return (o) => o.metadata?.name;
  if (field === 'metadata.namespace' && type.namespaced) return (o) => o.metadata?.namespace;
  return type.fieldLabels[field];
}
