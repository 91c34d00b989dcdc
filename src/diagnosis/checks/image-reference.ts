import { describeCause } from '../classify/cause-advice.js';
import { finding, type Check } from '../check.js';
import type { Finding } from '../types.js';

/** Is each failing image a valid reference, and what does it resolve to? */
export const imageReferenceCheck: Check = {
  id: 'image-reference',
  title: 'Image reference',
  applies: (ctx) => ctx.facts.pullTargets.length > 0,
  async run(ctx) {
    return ctx.facts.pullTargets.map((t): Finding => {
      if (!t.parse.ok) {
        // The parser's reason names the part at fault: "invalid reference format: repository name (Shop/Search)
        // must be lowercase" reads as "…: repository name (Shop/Search) must be lowercase".
        const why = t.parse.reason.replace(/^invalid reference format:?\s*/i, '');
        return finding('image-reference', 'fail', `"${t.image}" is not a valid image reference.`, {
          headline: `Image name ${t.image} is not valid${why ? `: ${why}` : ''}`,
          detail: t.parse.reason,
          // The cause's own words (the pull-error check gives them too), so that a report says it once.
          remediation: describeCause('invalid-reference').remediation,
        });
      }
      const r = t.parse.ref;
      const what = r.digest ? `digest ${r.digest}` : `tag ${r.tag ?? 'latest'}`;
      const summary =
        r.canonical === t.image
          ? `${t.image} is a valid image reference.`
          : `${t.image} is a valid image reference, short for ${r.canonical}.`;
      return finding('image-reference', 'pass', summary, { detail: `Registry ${r.registry}, repository ${r.repository}, ${what}.` });
    });
  },
};
