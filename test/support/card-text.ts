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

/** Every element of a card (body, containers, columns, fallbacks), depth first, with the path to it. */
export function cardElements(card: unknown): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string') out.push(record);
    for (const [key, value] of Object.entries(record)) if (key !== 'data') walk(value);
  };
  walk((card as { body?: unknown }).body);
  return out;
}

/** The value of a card's fact with this title (the first FactSet that has one), or undefined. */
export function factValue(card: unknown, title: string): string | undefined {
  for (const e of cardElements(card)) {
    if (e.type !== 'FactSet') continue;
    const fact = (e.facts as Array<{ title: string; value: string }>).find((f) => f.title === title);
    if (fact) return fact.value;
  }
  return undefined;
}

/** The texts a reader sees as markdown or plain text: TextBlock and TextRun texts, fact titles and values. */
export function shownTexts(card: unknown): string[] {
  return cardElements(card).flatMap((e) => {
    if (e.type === 'TextBlock' || e.type === 'TextRun') return [String(e.text)];
    if (e.type === 'FactSet') return (e.facts as Array<{ title: string; value: string }>).flatMap((f) => [f.title, f.value]);
    return [];
  });
}

/** The texts Teams reads as markdown: TextBlock texts and fact values (TextRuns are plain). */
export function markdownTexts(card: unknown): string[] {
  return cardElements(card).flatMap((e) =>
    e.type === 'TextBlock' ? [String(e.text)] : e.type === 'FactSet' ? (e.facts as Array<{ value: string }>).map((f) => f.value) : [],
  );
}

/** The code snippets of a card's CodeBlocks, in order. */
export function codeBlocks(card: unknown): string[] {
  return cardElements(card)
    .filter((e) => e.type === 'CodeBlock')
    .map((e) => String(e.codeSnippet));
}

/** A backslash escape of markdown punctuation (`\*`, `\[`…), or a backtick: what no card text may hold. */
export const ESCAPE_OR_BACKTICK = /\\[!-/:-@[-`{-~]|`/;
