import { request } from 'node:https';
import type { RepositoryContent } from '../../src/sandbox/registry/index.js';

export interface PushTarget {
  port: number;
  auth?: { user: string; password: string };
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

function send(target: PushTarget, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const auth = target.auth
      ? { Authorization: `Basic ${Buffer.from(`${target.auth.user}:${target.auth.password}`).toString('base64')}` }
      : {};
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        servername: 'localhost',
        method,
        path,
        agent: false,
        headers: { ...auth, ...headers, 'Content-Length': String(body?.length ?? 0) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer: Answer = { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
          if (typeof res.headers.location === 'string') answer.location = res.headers.location;
          resolve(answer);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function expect(answer: Answer, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${answer.status}: ${answer.body.slice(0, 500)}`);
}

/**
 * Pushes a repository's content with the registry HTTP API, as `docker push` does: each blob with a monolithic
 * upload (POST /blobs/uploads/ then PUT ?digest=), each manifest by digest (children before the index that
 * lists them), then every tag.
 */
export async function pushRepository(target: PushTarget, repository: string, content: RepositoryContent): Promise<void> {
  for (const blob of content.blobs) {
    const started = await send(target, 'POST', `/v2/${repository}/blobs/uploads/`, {});
    expect(started, 202, `starting the upload of ${blob.digest}`);
    const location = new URL(started.location ?? '', `https://localhost:${target.port}`);
    location.searchParams.set('digest', blob.digest);
    const put = await send(
      target,
      'PUT',
      `${location.pathname}${location.search}`,
      { 'Content-Type': 'application/octet-stream' },
      blob.bytes,
    );
    expect(put, 201, `uploading ${blob.digest}`);
  }
  for (const manifest of content.manifests) {
    const put = await send(
      target,
      'PUT',
      `/v2/${repository}/manifests/${manifest.digest}`,
      { 'Content-Type': manifest.mediaType },
      manifest.bytes,
    );
    expect(put, 201, `putting manifest ${manifest.digest}`);
  }
  for (const [tag, digest] of Object.entries(content.tags)) {
    const manifest = content.manifests.find((m) => m.digest === digest);
    if (!manifest) throw new Error(`tag ${tag} points at ${digest}, which is not among the manifests`);
    const put = await send(target, 'PUT', `/v2/${repository}/manifests/${tag}`, { 'Content-Type': manifest.mediaType }, manifest.bytes);
    expect(put, 201, `tagging ${tag}`);
  }
}
