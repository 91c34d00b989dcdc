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
    // With warnings, name the newest warning (a Normal BackOff at the same second is not the news).
    const newest = warnings[0] ?? relevant[0]!;
    const lines = relevant
      .slice(0, 5)
      .map((e) => `${e.lastSeen ? formatUtc(e.lastSeen, e.lastSeen) : '?'}  ${e.type} ${e.reason} (x${e.count}): ${e.message}`);
    const status = warnings.length > 0 ? 'warn' : 'pass';
    const count = warnings.reduce((n, e) => n + e.count, 0);
    const summary =
      warnings.length > 0
        ? `${count} warning event${count === 1 ? '' : 's'}; newest: ${newest.reason}.`
        : `Newest event: ${newest.reason}.`;
    return [finding('events', status, summary, { detail: lines.join('\n') })];
  },
};
