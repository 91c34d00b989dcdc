/** Manifest media types a container runtime accepts, as containerd sends them in `Accept`. */
export const MANIFEST_MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export const MANIFEST_ACCEPT = [
  MANIFEST_MEDIA_TYPES.ociIndex,
  MANIFEST_MEDIA_TYPES.ociManifest,
  MANIFEST_MEDIA_TYPES.dockerManifestList,
  MANIFEST_MEDIA_TYPES.dockerManifest,
].join(', ');
