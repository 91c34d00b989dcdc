import { isAzureContainerRegistry } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check, type CheckContext } from '../check.js';
import { nearestTags } from '../nearest.js';
import type { ImageReference } from '../image/image-reference.js';
import type { Finding } from '../types.js';
import type { RegistryErrorSummary } from '../../clients/registry/registry-client.js';

function registrySaid(errors: RegistryErrorSummary[]): string {
  return errors.length === 0 ? '' : `The registry said: ${errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`;
}

/** Where to see which tags exist, as a command with this image's names filled in. */
function listTagsCommand(ref: ImageReference): string {
  if (isAzureContainerRegistry(ref.registry)) {
    const name = ref.registry.split('.')[0];
    return `az acr repository show-tags --name ${name} --repository ${ref.repository} --orderby time_desc --top 20 -o table`;
  }
  return `crane ls ${ref.registry}/${ref.repository}`;
}

/** "Tag 2.4.2 does not exist in shopacr.azurecr.io/shop/web" (or the digest, or the whole repository). */
function missingHeadline(ref: ImageReference, errors: RegistryErrorSummary[]): string {
  const repository = `${ref.registry}/${ref.repository}`;
  if (errors.some((e) => e.code === 'NAME_UNKNOWN')) return `Repository ${ref.repository} does not exist in ${ref.registry}`;
  if (ref.digest) return `Digest ${ref.digest.slice(0, 19)}… does not exist in ${repository}`;
  return `Tag ${ref.tag ?? 'latest'} does not exist in ${repository}`;
}

/** How many of the nearest existing tags a finding names. */
export const NEAREST_TAGS_SHOWN = 5;

/**
 * For a missing tag (not a digest, nor a repository the registry says does not exist): the nearest existing tags,
 * read with the manifest check's credential. Nothing when the registry refuses the listing or lists nothing near.
 */
async function nearestExisting(
  ctx: CheckContext,
  ref: ImageReference,
  errors: RegistryErrorSummary[],
): Promise<{ tags: string[]; detail: string } | undefined> {
  if (ref.digest !== undefined || ref.tag === undefined || errors.some((e) => e.code === 'NAME_UNKNOWN')) return undefined;
  const listed = await ctx.facts.tags(ref).catch(() => undefined);
  if (listed?.outcome !== 'listed') return undefined;
  if (listed.tags.length === 0) return { tags: [], detail: `The repository ${ref.repository} has no tags.` };
  const tags = nearestTags(ref.tag, listed.tags, NEAREST_TAGS_SHOWN);
  if (tags.length === 0) return undefined;
  const n = listed.tags.length;
  const of = listed.more ? `of the first ${n} tags listed` : `of its ${n} tag${n === 1 ? '' : 's'}`;
  return { tags, detail: `Nearest existing tags (${of}): ${tags.join(', ')}.` };
}

/** HEAD the image's manifest with the credentials that apply: does the tag (or digest) exist? */
export const imageExistsCheck: Check = {
  id: 'image-exists',
  title: 'Image existence',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.validReferences().length > 0,
  async run(ctx) {
    return Promise.all(
      ctx.facts.validReferences().map(async (ref): Promise<Finding> => {
        // The manifest request starts with the reachability probes rather than after them: one round trip less on
        // the critical path; when the registry is unreachable the probes' findings explain it and this one skips.
        const [dns, ping, { result, credential }] = await Promise.all([
          ctx.facts.dns(ref.registry),
          ctx.facts.ping(ref.registry),
          ctx.facts.manifest(ref),
        ]);
        if (!dns.ok || !ping.ok)
          return finding('image-exists', 'skip', `Not checked: the registry ${ref.registry} is not reachable from here.`);
        const what = `${ref.repository}:${ref.digest ?? ref.tag ?? 'latest'}`;
        const using = `checked with ${credential.description}`;
        switch (result.outcome) {
          case 'found':
            return finding('image-exists', 'pass', `${ref.registry} has ${what}.`, {
              detail:
                [`Media type ${result.mediaType ?? 'unknown'}`, result.digest ? `digest ${result.digest}` : '', using]
                  .filter((s) => s)
                  .join('; ') + '.',
            });
          case 'not-found': {
            const nearest = await nearestExisting(ctx, ref, result.errors);
            const near = nearest && nearest.tags.length > 0 ? ` Nearest tags: ${nearest.tags.join(', ')}.` : '';
            return finding('image-exists', 'fail', `${ref.registry} has no ${what} (HTTP ${result.status}).${near}`, {
              headline: missingHeadline(ref, result.errors),
              detail: [`${registrySaid(result.errors)} (${using})`.trim(), nearest?.detail].filter((s) => s).join('\n'),
              remediation:
                nearest && nearest.tags.length > 0
                  ? `Fix the tag in the workload (the nearest that exist: ${nearest.tags.join(', ')}), or push the image. The tags that exist:`
                  : 'Fix the tag in the workload, or push the image. The tags that exist:',
              commands: [listTagsCommand(ref)],
            });
          }
          case 'unauthorized': {
            const secret = credential.credential.kind === 'basic';
            return finding(
              'image-exists',
              secret ? 'fail' : 'warn',
              secret
                ? `${ref.registry} rejects the credentials in ${credential.description}.`
                : `Could not verify ${what}: ${ref.registry} requires credentials (${using}).`,
              {
                headline: secret ? `${ref.registry} rejects the credentials in ${credential.description}` : undefined,
                detail: registrySaid(result.errors),
                remediation: secret ? 'Update the pull secret with a valid username and password or token for this registry.' : undefined,
              },
            );
          }
          case 'forbidden':
            // An explanation, not an action: the pull-error and network checks say what to do.
            return finding('image-exists', 'warn', `${ref.registry} answered 403 Forbidden for ${what} (${using}).`, {
              detail: [
                registrySaid(result.errors),
                'A 403 from a registry usually means a firewall or network rule blocks the client IP, or the identity lacks the repository permission.',
              ]
                .filter((s) => s)
                .join('\n'),
            });
          case 'rate-limited':
            return finding('image-exists', 'warn', `${ref.registry} is rate-limiting requests (HTTP 429).`, {
              detail: [registrySaid(result.errors), result.retryAfter ? `Retry-After: ${result.retryAfter}` : '']
                .filter((s) => s)
                .join(' '),
              remediation:
                'Authenticate pulls (authenticated Docker Hub accounts get higher limits), mirror the image into your own registry (az acr import), or use a pull-through cache.',
            });
          case 'unreachable':
            return finding('image-exists', 'skip', `Not checked: ${result.message}`);
          default:
            if (result.status === 0)
              return finding('image-exists', 'skip', `Could not check ${what}: ${result.message ?? 'the registry sign-in failed'}.`);
            return finding('image-exists', 'warn', `${ref.registry} answered HTTP ${result.status} for ${what}.`, {
              detail: registrySaid(result.errors),
            });
        }
      }),
    );
  },
};
