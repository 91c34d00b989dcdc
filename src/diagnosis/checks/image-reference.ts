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
        return finding('image-reference', 'fail', `"${t.image}" is not a valid image reference.`, {
          // What to do is the invalid-reference advice of the pull-error check; saying it twice helps nobody.
          detail: t.parse.reason,
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
