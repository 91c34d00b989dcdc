/**
 * One event, two API versions. Kubelet writes core/v1 events; the scheduler writes events.k8s.io/v1 events; the
 * API server stores one object and converts on the way out. The store keeps the core/v1 form; these functions
 * convert like pkg/apis/events/v1 does.
 */
import type { WireObject } from './wire.js';

type Fields = Record<string, unknown>;

function copyDefined(out: Fields, key: string, value: unknown): void {
  if (value !== undefined) out[key] = value;
}

/** core/v1 Event -> events.k8s.io/v1 Event. */
export function coreEventToEventsV1(event: WireObject): WireObject {
  const e = event as Fields;
  const out: Fields = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: e.metadata };
  out.eventTime = e.eventTime ?? null;
  copyDefined(out, 'series', e.series);
  copyDefined(out, 'reportingController', e.reportingComponent);
  copyDefined(out, 'reportingInstance', e.reportingInstance);
  copyDefined(out, 'action', e.action);
  copyDefined(out, 'reason', e.reason);
  copyDefined(out, 'regarding', e.involvedObject);
  copyDefined(out, 'related', e.related);
  copyDefined(out, 'note', e.message);
  copyDefined(out, 'type', e.type);
  copyDefined(out, 'deprecatedSource', e.source);
  copyDefined(out, 'deprecatedFirstTimestamp', e.firstTimestamp);
  copyDefined(out, 'deprecatedLastTimestamp', e.lastTimestamp);
  copyDefined(out, 'deprecatedCount', e.count);
  return out as WireObject;
}

/** events.k8s.io/v1 Event -> core/v1 Event (what is stored). */
export function eventsV1ToCoreEvent(event: WireObject): WireObject {
  const e = event as Fields;
  const out: Fields = { kind: 'Event', apiVersion: 'v1', metadata: e.metadata };
  copyDefined(out, 'involvedObject', e.regarding ?? {});
  copyDefined(out, 'related', e.related);
  copyDefined(out, 'reason', e.reason);
  copyDefined(out, 'message', e.note);
  copyDefined(out, 'source', e.deprecatedSource ?? {});
  out.firstTimestamp = e.deprecatedFirstTimestamp ?? null;
  out.lastTimestamp = e.deprecatedLastTimestamp ?? null;
  copyDefined(out, 'count', e.deprecatedCount);
  copyDefined(out, 'type', e.type);
  copyDefined(out, 'eventTime', e.eventTime);
  copyDefined(out, 'series', e.series);
  copyDefined(out, 'action', e.action);
  copyDefined(out, 'reportingComponent', e.reportingController ?? '');
  copyDefined(out, 'reportingInstance', e.reportingInstance ?? '');
  return out as WireObject;
}
