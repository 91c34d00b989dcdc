import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { MANIFEST_MEDIA_TYPES } from '../../clients/registry/registry-client.js';

/** Bytes with their media type and `sha256:` digest, as a registry stores them. */
export interface ContentBlob {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export interface SampleImage {
  config: ContentBlob;
  layer: ContentBlob;
  manifest: ContentBlob;
  platform: { architecture: string; os: string };
}

export type ManifestFormat = 'oci' | 'docker';

export function blob(mediaType: string, bytes: Buffer): ContentBlob {
  return { mediaType, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
}

const MEDIA = {
  oci: {
    manifest: MANIFEST_MEDIA_TYPES.ociManifest,
    index: MANIFEST_MEDIA_TYPES.ociIndex,
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    manifest: MANIFEST_MEDIA_TYPES.dockerManifest,
    index: MANIFEST_MEDIA_TYPES.dockerManifestList,
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
} as const;

/**
 * A small but real image: one gzipped tar layer holding `/hello.txt`, an image config whose diff_id is the
 * uncompressed tar's digest, and a schema 2 manifest (OCI or Docker) that references both by digest and size.
 */
export function sampleImage(options: { architecture?: string; os?: string; format?: ManifestFormat; text?: string } = {}): SampleImage {
  const format = options.format ?? 'oci';
  const platform = { architecture: options.architecture ?? 'amd64', os: options.os ?? 'linux' };
  const tar = tarWithFile('hello.txt', Buffer.from(options.text ?? `hello from pull doctor (${platform.os}/${platform.architecture})\n`));
  const layer = blob(MEDIA[format].layer, gzipSync(tar));
  const diffId = blob('application/x-tar', tar).digest;
  const config = blob(
    MEDIA[format].config,
    Buffer.from(
      JSON.stringify({
        architecture: platform.architecture,
        os: platform.os,
        created: '2026-01-05T09:00:00Z',
        config: { Cmd: ['cat', '/hello.txt'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
        rootfs: { type: 'layers', diff_ids: [diffId] },
        history: [{ created: '2026-01-05T09:00:00Z', created_by: 'COPY hello.txt / # buildkit' }],
      }),
    ),
  );
  const manifest = blob(
    MEDIA[format].manifest,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA[format].manifest,
        config: descriptor(config),
        layers: [descriptor(layer)],
      }),
    ),
  );
  return { config, layer, manifest, platform };
}

/** A multi-platform index (OCI image index or Docker manifest list) over images of the same format. */
export function sampleIndex(images: SampleImage[], format: ManifestFormat = 'oci'): ContentBlob {
  return blob(
    MEDIA[format].index,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA[format].index,
        manifests: images.map((image) => ({ ...descriptor(image.manifest), platform: image.platform })),
      }),
    ),
  );
}

function descriptor(content: ContentBlob): { mediaType: string; digest: string; size: number } {
  return { mediaType: content.mediaType, digest: content.digest, size: content.bytes.length };
}

/** A POSIX ustar archive with one regular file. */
function tarWithFile(name: string, data: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (text: string, offset: number, length: number) => header.write(text, offset, length, 'ascii');
  const octal = (value: number, length: number) => `${value.toString(8).padStart(length - 1, '0')}\0`;
  field(name, 0, 100);
  field(octal(0o644, 8), 100, 8);
  field(octal(0, 8), 108, 8);
  field(octal(0, 8), 116, 8);
  field(octal(data.length, 12), 124, 12);
  field(octal(1767603600, 12), 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024, 0)]);
}

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

/** Answers a manifest HEAD or GET the way distribution does: media type, digest and length headers; body on GET. */
export function serveManifest(req: IncomingMessage, res: ServerResponse, manifest: ContentBlob): void {
  res.writeHead(200, {
    'Content-Type': manifest.mediaType,
    'Content-Length': manifest.bytes.length,
    'Docker-Content-Digest': manifest.digest,
    'Docker-Distribution-Api-Version': 'registry/2.0',
    Etag: `"${manifest.digest}"`,
  });
  res.end(req.method === 'HEAD' ? undefined : manifest.bytes);
}
