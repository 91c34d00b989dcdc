/**
 * ALERT_ROUTES: static routing of alerts from cluster/namespace to Teams conversations, in one of two forms.
 *
 * Compact: entries separated by `;`, each `CLUSTER/NAMESPACE=CONVERSATION[,CONVERSATION...]`, `*` matching any
 * cluster or namespace:
 *
 *     prod/shop=19:abc@thread.tacv2;prod/*=19:ops@thread.tacv2;*\/*=19:fallback@thread.tacv2
 *
 * JSON (when the value starts with `[`): `[{"cluster":"prod","namespace":"shop","conversations":["19:abc@thread.tacv2"]}]`
 * (`conversation` with a single id is accepted too).
 *
 * For a given cluster and namespace the most specific route wins: an exact namespace beats `*`, then an exact
 * cluster beats `*`. Every problem is reported with the entry it concerns; conversation ids are not secrets.
 */

export interface AlertRoute {
  /** A cluster name or `*`. */
  cluster: string;
  /** A namespace or `*`. */
  namespace: string;
  /** Teams conversation ids, e.g. `19:abc@thread.tacv2` (a channel), `19:…@thread.v2` (a group chat), `a:…` (personal). */
  conversations: string[];
}

export interface AlertRoutesParse {
  routes: AlertRoute[];
  problems: string[];
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const CLUSTER = /^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/;
/** Teams conversation ids: no whitespace, no control characters, none of `;` `,` `=` (the compact form's separators). */
const CONVERSATION_ID = /^[^\s;,=\u0000-\u001f\u007f]{3,256}$/;
const MAX_ROUTES = 500;

function checkPattern(value: string, kind: 'cluster' | 'namespace', where: string, problems: string[]): void {
  if (value === '*') return;
  const rule = kind === 'cluster' ? CLUSTER : NAMESPACE;
  if (!rule.test(value)) {
    problems.push(
      `ALERT_ROUTES ${where}: "${value.slice(0, 80)}" is not a valid ${kind} (${kind === 'cluster' ? "lower-case letters, digits, '-', '_' and '.'" : "a DNS label: lower-case letters, digits and '-'"}) or *`,
    );
  }
}

function checkConversation(id: string, where: string, problems: string[]): void {
  if (/;messageid=/i.test(id)) {
    problems.push(
      `ALERT_ROUTES ${where}: "${id.slice(0, 120)}" names a reply thread (;messageid=…); route to the channel's conversation id without it`,
    );
  } else if (!CONVERSATION_ID.test(id)) {
    problems.push(`ALERT_ROUTES ${where}: "${id.slice(0, 120)}" is not a Teams conversation id (like 19:abc@thread.tacv2)`);
  }
}

function parseCompact(text: string, problems: string[]): AlertRoute[] {
  const routes: AlertRoute[] = [];
  const entries = text.split(';').map((e) => e.trim());
  entries.forEach((entry, index) => {
    if (entry === '') return;
    const where = `entry ${index + 1}`;
    if (/^messageid=/i.test(entry)) {
      problems.push(
        `ALERT_ROUTES ${where}: "${entry.slice(0, 80)}" looks like the ;messageid=… of a reply thread; route to the channel's conversation id without it`,
      );
      return;
    }
    const match = entry.match(/^([^/=]+)\/([^/=]+)=(.*)$/);
    if (!match) {
      problems.push(
        `ALERT_ROUTES ${where}: "${entry.slice(0, 80)}" is not CLUSTER/NAMESPACE=CONVERSATION (e.g. prod/shop=19:abc@thread.tacv2, * for any)`,
      );
      return;
    }
    const [, cluster, namespace, targets] = match as unknown as [string, string, string, string];
    const conversations = targets
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    if (conversations.length === 0) problems.push(`ALERT_ROUTES ${where}: no conversation id after "="`);
    routes.push({ cluster: cluster.trim(), namespace: namespace.trim(), conversations });
  });
  return routes;
}

function parseJson(text: string, problems: string[]): AlertRoute[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.push('ALERT_ROUTES starts with "[" but is not valid JSON (expected [{"cluster":"…","namespace":"…","conversations":["…"]}])');
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push('ALERT_ROUTES in JSON form must be an array of routes');
    return [];
  }
  const routes: AlertRoute[] = [];
  parsed.forEach((item: unknown, index) => {
    const where = `route ${index + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`ALERT_ROUTES ${where}: must be an object with cluster, namespace and conversations`);
      return;
    }
    const o = item as Record<string, unknown>;
    const unknownKeys = Object.keys(o).filter((k) => !['cluster', 'namespace', 'conversations', 'conversation'].includes(k));
    if (unknownKeys.length > 0)
      problems.push(`ALERT_ROUTES ${where}: unknown field ${unknownKeys.map((k) => `"${k.slice(0, 40)}"`).join(', ')}`);
    const cluster = o.cluster ?? '*';
    const namespace = o.namespace ?? '*';
    if (typeof cluster !== 'string' || typeof namespace !== 'string') {
      problems.push(`ALERT_ROUTES ${where}: cluster and namespace must be strings`);
      return;
    }
    const list = o.conversations !== undefined ? o.conversations : o.conversation !== undefined ? [o.conversation] : undefined;
    if (!Array.isArray(list) || list.length === 0 || !list.every((c) => typeof c === 'string')) {
      problems.push(`ALERT_ROUTES ${where}: "conversations" must be a non-empty array of conversation ids`);
      return;
    }
    routes.push({ cluster, namespace, conversations: list as string[] });
  });
  return routes;
}

export function parseAlertRoutes(text: string | undefined): AlertRoutesParse {
  const problems: string[] = [];
  if (text === undefined || text.trim() === '') return { routes: [], problems };
  const trimmed = text.trim();
  const routes = trimmed.startsWith('[') || trimmed.startsWith('{') ? parseJson(trimmed, problems) : parseCompact(trimmed, problems);
  if (routes.length > MAX_ROUTES) problems.push(`ALERT_ROUTES has ${routes.length} routes; at most ${MAX_ROUTES} are allowed`);
  const seen = new Set<string>();
  routes.forEach((route, index) => {
    const where = trimmed.startsWith('[') ? `route ${index + 1}` : `"${route.cluster}/${route.namespace}"`;
    checkPattern(route.cluster, 'cluster', where, problems);
    checkPattern(route.namespace, 'namespace', where, problems);
    for (const id of route.conversations) checkConversation(id, where, problems);
    const key = `${route.cluster}/${route.namespace}`;
    if (seen.has(key))
      problems.push(
        `ALERT_ROUTES: ${key} appears more than once; give each cluster/namespace one entry (several conversations are comma-separated)`,
      );
    seen.add(key);
    route.conversations = [...new Set(route.conversations)];
  });
  return { routes: problems.length === 0 ? routes : [], problems };
}

/** The conversations the most specific matching route names (empty when none matches). */
export function conversationsForRoute(routes: readonly AlertRoute[], cluster: string, namespace: string): string[] {
  let best: AlertRoute | undefined;
  let bestScore = -1;
  for (const route of routes) {
    const clusterMatch = route.cluster === '*' || route.cluster === cluster;
    const namespaceMatch = route.namespace === '*' || route.namespace === namespace;
    if (!clusterMatch || !namespaceMatch) continue;
    const score = (route.namespace === '*' ? 0 : 2) + (route.cluster === '*' ? 0 : 1);
    if (score > bestScore) {
      best = route;
      bestScore = score;
    }
  }
  return best ? [...best.conversations] : [];
}
