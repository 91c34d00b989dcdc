import { PullDoctorError } from '../../errors/index.js';
import { isRepositoryPath, isTagOrDigest } from '../../diagnosis/image/reference-grammar.js';
import type { ImageLocation } from './registry-client.js';

/** `/v2/<repository>/manifests/<reference>`, refusing anything that is not a valid repository and tag or digest. */
export function manifestPath(image: ImageLocation): string {
  if (!isRepositoryPath(image.repository)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.repository.slice(0, 100)}" is not a valid repository name`);
  }
  if (!isTagOrDigest(image.reference)) {
    throw new PullDoctorError('INVALID_INPUT', `"${image.reference.slice(0, 100)}" is not a valid tag or digest`);
  }
  return `/v2/${image.repository}/manifests/${image.reference}`;
}
