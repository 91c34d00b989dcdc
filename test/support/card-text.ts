/** Helpers to look into card JSON the way a reader sees it. */

/** Every string a card shows (TextBlock text, fact titles and values, action titles), in document order. */
export function cardTexts(card: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    for (const key of ['text', 'title', 'value'] as const) if (typeof record[key] === 'string') out.push(record[key] as string);
    for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
  };
  walk(card);
  return out;
}

/** The `Action.Execute` buttons of a card: title, verb and data. */
export function executeActions(card: unknown): Array<{ title: string; verb: string; data: Record<string, unknown> }> {
  const actions = (card as { actions?: unknown[] }).actions ?? [];
  return actions
    .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null && (a as { type?: unknown }).type === 'Action.Execute')
    .map((a) => ({ title: String(a.title), verb: String(a.verb), data: (a.data ?? {}) as Record<string, unknown> }));
}

/** Every Action.Execute of a card, in its body (a button per row) or at the bottom: title, verb and card action id. */
export function allExecuteActions(card: unknown): Array<{ title: string; verb: string; id: string }> {
  const found: Array<{ title: string; verb: string; id: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'Action.Execute') {
      found.push({ title: String(record.title), verb: String(record.verb), id: String((record.data as { id?: unknown } | undefined)?.id) });
    }
    Object.values(record).forEach(walk);
  };
  walk(card);
  return found;
}

/** UTF-8 size of the card as it travels in an activity. */
export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
