import { PullDoctorError } from '../../errors/index.js';
import type { ImageLocation } from './registry-client.js';

// Distribution grammar (distribution/reference): path components, tags, and digests.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REPOSITORY = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

/** `/v2/<repository>/manifests/<reference>`, refusing anything that is not a valid repository and tag or digest. */
export function manifestPath(image: ImageLocation): string {
  if (image.repository.length > 255 || !REPOSITORY.test(image.repository)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.repository.slice(0, 100)}" is not a valid repository name`);
  }
  if (!TAG.test(image.reference) && !DIGEST.test(image.reference)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.reference.slice(0, 100)}" is not a valid tag or digest`);
  }
  return `/v2/${image.repository}/manifests/${image.reference}`;
}
