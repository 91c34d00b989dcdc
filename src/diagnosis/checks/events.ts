import { finding, type Check } from '../check.js';
import { formatUtc } from '../format-utc.js';

const INTERESTING = new Set([
  'Failed',
  'BackOff',
  'Pulling',
  'FailedScheduling',
  'FailedMount',
  'FailedCreatePodSandBox',
  'Unhealthy',
  'Killing',
  'Evicted',
  'OOMKilling',
]);

/** How many events the finding lists. */
const EVENT_LINES = 5;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The pod's recent events (Failed, BackOff, Pulling...), newest first, repeats folded. */
export const eventsCheck: Check = {
  id: 'events',
  title: 'Pod events',
  applies: (ctx) => !ctx.analysis.healthy,
  async run(ctx) {
    const events = await ctx.facts.events();
    const relevant = events.filter((e) => INTERESTING.has(e.reason) || e.type === 'Warning');
    if (relevant.length === 0)
      return [
        finding(
          'events',
          'pass',
          events.length === 0 ? 'No recent events for this pod (events expire after an hour).' : 'No warning events for this pod.',
        ),
      ];
    const warnings = relevant.filter((e) => e.type === 'Warning');
    // With warnings, the warnings are the news: they are listed (newest first), the Normal ones only without them.
    const listed = warnings.length > 0 ? warnings : relevant;
    const newest = listed[0]!;
    const lines = listed
      .slice(0, EVENT_LINES)
      .map((e) => `${e.lastSeen ? formatUtc(e.lastSeen, e.lastSeen) : '?'}  ${e.type} ${e.reason} (x${e.count}): ${e.message}`);
    if (listed.length > EVENT_LINES) lines.push(`…and ${plural(listed.length - EVENT_LINES, 'more event')}`);
    const status = warnings.length > 0 ? 'warn' : 'pass';
    const count = warnings.reduce((n, e) => n + e.count, 0);
    const summary =
      warnings.length > 0 ? `${plural(count, 'warning event')}; newest: ${newest.reason}.` : `Newest event: ${newest.reason}.`;
    return [finding('events', status, summary, { detail: lines.join('\n') })];
  },
};
