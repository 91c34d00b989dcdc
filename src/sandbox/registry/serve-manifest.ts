import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ContentBlob } from './sample-image.js';

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
