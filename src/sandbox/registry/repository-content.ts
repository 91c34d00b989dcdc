import type { ContentBlob, SampleImage } from './sample-image.js';
import { sampleImage, sampleIndex } from './sample-image.js';

/** What one repository of a fake registry holds: manifests by digest, tags pointing at digests, blobs. */
export interface RepositoryContent {
  manifests: ContentBlob[];
  tags: Record<string, string>;
  blobs: ContentBlob[];
}

/** A repository with a multi-arch OCI index tagged `latest` and `1.0`, and a single Docker v2 manifest tagged `single`. */
export function sampleRepository(): RepositoryContent {
  const amd64 = sampleImage({ architecture: 'amd64' });
  const arm64 = sampleImage({ architecture: 'arm64' });
  const index = sampleIndex([amd64, arm64]);
  const single = sampleImage({ format: 'docker' });
  return {
    manifests: [amd64.manifest, arm64.manifest, index, single.manifest],
    tags: { latest: index.digest, '1.0': index.digest, single: single.manifest.digest },
    blobs: [amd64, arm64, single].flatMap((image: SampleImage) => [image.config, image.layer]),
  };
}

/** The manifest for a tag or digest, if the repository has it. */
export function findManifest(repository: RepositoryContent, reference: string): ContentBlob | undefined {
  const digest = reference.includes(':') ? reference : repository.tags[reference];
  return digest === undefined ? undefined : repository.manifests.find((m) => m.digest === digest);
}
