import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { CoreV1Api, KubeConfig, makeInformer, Watch, type V1Pod } from '@kubernetes/client-node';
import { startFakeKubernetesApi, payloads, type FakeKubernetesApi } from '../../../src/sandbox/kubernetes-api/index.js';
import { testTls } from '../../support/tls.js';
import { waitFor } from '../../support/wait-for.js';

const TOKEN = 'watch-test-token-4f5e6d7c';

interface WatchEvent {
  type: string;
  object: Record<string, any>;
}

/** Opens a raw watch stream and collects its newline-delimited events. */
function openWatch(url: string): Promise<{ response: IncomingMessage; events: WatchEvent[]; ended: () => boolean; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: `Bearer ${TOKEN}` }, agent: false }, (response) => {
      const events: WatchEvent[] = [];
      let buffer = '';
      let ended = false;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) !== -1) {
          events.push(JSON.parse(buffer.slice(0, newline)) as WatchEvent);
          buffer = buffer.slice(newline + 1);
        }
      });
      response.on('end', () => {
        ended = true;
      });
      response.on('error', () => {
        ended = true;
      });
      resolve({ response, events, ended: () => ended, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('fake Kubernetes API watches', () => {
  let fake: FakeKubernetesApi;
  const pod = (name: string, extra: Partial<Parameters<typeof payloads.runningPod>[0]> = {}) =>
    payloads.runningPod({ namespace: 'shop', name, image: 'shopacr.azurecr.io/web:1', ...extra });

  beforeEach(async () => {
    const tls = testTls();
    fake = await startFakeKubernetesApi({ tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, auth: { bearerTokens: [TOKEN] } });
  });
  afterEach(async () => {
    await fake.close();
  });

  describe('on the wire', () => {
    it('streams newline-delimited ADDED, MODIFIED and DELETED events with chunked encoding', async () => {
      const existing = fake.upsertPod(pod('web-1'));
      const watch = await openWatch(
        `${fake.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${existing.metadata!.resourceVersion}`,
      );
      assert.equal(watch.response.statusCode, 200);
      assert.equal(watch.response.headers['transfer-encoding'], 'chunked');
      assert.equal(watch.response.headers['content-type'], 'application/json');
      fake.upsertPod(pod('web-2'));
      fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'shopacr.azurecr.io/web:2' }));
      fake.deletePod('shop', 'web-2');
      fake.upsertPod({ ...pod('elsewhere'), metadata: { ...pod('elsewhere').metadata, namespace: 'other' } });
      await waitFor('three events', () => watch.events.length >= 3);
      assert.deepEqual(
        watch.events.map((e) => [e.type, e.object.kind, e.object.metadata.name]),
        [
          ['ADDED', 'Pod', 'web-2'],
          ['MODIFIED', 'Pod', 'web-1'],
          ['DELETED', 'Pod', 'web-2'],
        ],
      );
      assert.equal(watch.events[1]!.object.status.containerStatuses[0].state.waiting.reason, 'ImagePullBackOff');
      const versions = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(
        [...versions].sort((a, b) => a - b),
        versions,
      );
      watch.close();
    });

    it('starts a watch without a resourceVersion with the current objects as ADDED', async () => {
      fake.upsertPod(pod('web-1'));
      fake.upsertPod(pod('web-2'));
      const watch = await openWatch(`${fake.url}/api/v1/namespaces/shop/pods?watch=1`);
      await waitFor('two events', () => watch.events.length >= 2);
      assert.deepEqual(
        watch.events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED web-1', 'ADDED web-2'],
      );
      watch.close();
    });

    it('replays the changes made after the requested resourceVersion', async () => {
      const first = fake.upsertPod(pod('web-1'));
      fake.upsertPod(pod('web-2'));
      fake.deletePod('shop', 'web-1');
      const watch = await openWatch(
        `${fake.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${first.metadata!.resourceVersion}`,
      );
      await waitFor('two events', () => watch.events.length >= 2);
      assert.deepEqual(
        watch.events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED web-2', 'DELETED web-1'],
      );
      watch.close();
    });

    it('answers a watch from a compacted resourceVersion with ERROR 410 Expired and ends the stream', async () => {
      const first = fake.upsertPod(pod('web-1'));
      fake.upsertPod(pod('web-2'));
      fake.compactHistory();
      const watch = await openWatch(
        `${fake.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${first.metadata!.resourceVersion}`,
      );
      await waitFor('the stream to end', watch.ended);
      assert.equal(watch.response.statusCode, 200);
      assert.equal(watch.events.length, 1);
      const [event] = watch.events;
      assert.equal(event!.type, 'ERROR');
      assert.equal(event!.object.kind, 'Status');
      assert.equal(event!.object.code, 410);
      assert.equal(event!.object.reason, 'Expired');
      assert.match(event!.object.message, new RegExp(`^too old resource version: ${first.metadata!.resourceVersion} \\(\\d+\\)$`));
    });

    it('turns objects leaving or entering a selection into DELETED and ADDED events', async () => {
      const start = fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:1' }));
      const watch = await openWatch(
        `${fake.url}/api/v1/namespaces/shop/pods?watch=true&fieldSelector=status.phase%3DPending&resourceVersion=${start.metadata!.resourceVersion}`,
      );
      fake.upsertPod(pod('web-1'));
      fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:2' }));
      await waitFor('two events', () => watch.events.length >= 2);
      assert.deepEqual(
        watch.events.map((e) => `${e.type} ${e.object.status.phase}`),
        ['DELETED Running', 'ADDED Pending'],
      );
      watch.close();
    });

    it('sends bookmarks to watches that allow them', async () => {
      const watch = await openWatch(
        `${fake.url}/api/v1/namespaces/shop/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${fake.resourceVersion}`,
      );
      await waitFor('the watch to open', () => fake.openWatchCount === 1);
      fake.upsertPod(pod('web-1'));
      fake.sendBookmarks();
      await waitFor('two events', () => watch.events.length >= 2);
      assert.equal(watch.events[1]!.type, 'BOOKMARK');
      assert.deepEqual(watch.events[1]!.object, {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(fake.resourceVersion), creationTimestamp: null },
      });
      watch.close();
    });

    it('ends every open stream when watches are dropped', async () => {
      const watch = await openWatch(`${fake.url}/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${fake.resourceVersion}`);
      await waitFor('the watch to open', () => fake.openWatchCount === 1);
      fake.dropWatches();
      await waitFor('the stream to end', watch.ended);
      assert.equal(fake.openWatchCount, 0);
    });
  });

  describe('driven by @kubernetes/client-node', () => {
    const kubeConfig = () => {
      const kc = new KubeConfig();
      kc.loadFromString(fake.kubeconfig({ token: TOKEN }));
      return kc;
    };

    it('delivers events to a Watch and reports a 410 as an ERROR event', async () => {
      const first = fake.upsertPod(pod('web-1'));
      fake.upsertPod(pod('web-2'));
      fake.compactHistory();
      const seen: string[] = [];
      let done: unknown = 'not yet';
      await new Watch(kubeConfig()).watch(
        '/api/v1/namespaces/shop/pods',
        { resourceVersion: first.metadata!.resourceVersion },
        (type, object) => seen.push(`${type} ${object.code ?? object.metadata?.name}`),
        (error) => {
          done = error;
        },
      );
      await waitFor('the watch to finish', () => done !== 'not yet');
      assert.deepEqual(seen, ['ERROR 410']);
      assert.equal(done, null);
    });

    describe('an informer (makeInformer)', () => {
      let informer: ReturnType<typeof makeInformer<V1Pod>>;
      const log: string[] = [];
      const errors: unknown[] = [];

      beforeEach(async () => {
        log.length = 0;
        errors.length = 0;
        const kc = kubeConfig();
        const core = kc.makeApiClient(CoreV1Api);
        informer = makeInformer<V1Pod>(kc, '/api/v1/namespaces/shop/pods', () => core.listNamespacedPod({ namespace: 'shop' }));
        informer.on('add', (p) => log.push(`add ${p.metadata?.name}`));
        informer.on('update', (p) => log.push(`update ${p.metadata?.name} ${p.status?.phase}`));
        informer.on('delete', (p) => log.push(`delete ${p.metadata?.name}`));
        informer.on('error', (e) => errors.push(e));
      });
      afterEach(async () => {
        await informer.stop();
      });

      it('lists, then receives adds, updates and deletes through its watch', async () => {
        fake.upsertPod(pod('web-1'));
        await informer.start();
        await waitFor('the initial add', () => log.includes('add web-1'));
        await waitFor('the watch', () => fake.openWatchCount === 1);
        fake.upsertPod(pod('web-2'));
        fake.upsertPod(payloads.imagePullBackOffPod({ namespace: 'shop', name: 'web-1', image: 'a/b:2' }));
        fake.deletePod('shop', 'web-2');
        await waitFor('three more events', () => log.length >= 4);
        assert.deepEqual(log, ['add web-1', 'add web-2', 'update web-1 Pending', 'delete web-2']);
        assert.deepEqual(
          informer.list('shop').map((p) => p.metadata?.name),
          ['web-1'],
        );
        assert.deepEqual(errors, []);
      });

      it('re-watches from its last resourceVersion, without relisting, when the stream is dropped', async () => {
        await informer.start();
        await waitFor('the watch', () => fake.openWatchCount === 1);
        const lists = () => fake.requests.filter((r) => r.verb === 'list').length;
        const listsBefore = lists();
        fake.dropWatches();
        await waitFor('a new watch', () => fake.requests.filter((r) => r.verb === 'watch').length === 2 && fake.openWatchCount === 1);
        fake.upsertPod(pod('web-3'));
        await waitFor('the add', () => log.includes('add web-3'));
        assert.equal(lists(), listsBefore);
        const watches = fake.requests.filter((r) => r.verb === 'watch');
        assert.equal(watches[1]!.query.resourceVersion, watches[0]!.query.resourceVersion);
      });

      it('relists after its watch is answered with 410 Expired and catches up on what it missed', async () => {
        fake.upsertPod(pod('web-1'));
        await informer.start();
        await waitFor('the watch', () => fake.openWatchCount === 1);

        await fake.setDown(true);
        await waitFor('the informer to report the outage', () => errors.length > 0);
        fake.upsertPod(pod('web-2'));
        fake.deletePod('shop', 'web-1');
        fake.compactHistory();
        await fake.setDown(false);
        fake.clearRequests();

        await informer.start();
        await waitFor('the informer to catch up', () => log.includes('add web-2') && log.includes('delete web-1'));
        await waitFor('a fresh watch', () => fake.openWatchCount === 1);
        assert.deepEqual(
          fake.requests.filter((r) => r.isResourceRequest).map((r) => r.verb),
          ['watch', 'list', 'watch'],
          'a watch from the stale resourceVersion, a relist, a fresh watch',
        );
        assert.deepEqual(
          informer.list('shop').map((p) => p.metadata?.name),
          ['web-2'],
        );
      });

      it('relists when an open watch is expired by the server', async () => {
        await informer.start();
        await waitFor('the watch', () => fake.openWatchCount === 1);
        fake.clearRequests();
        fake.expireWatches();
        await waitFor('a relist and a new watch', () => fake.requests.map((r) => r.verb).join(',') === 'list,watch');
        fake.upsertPod(pod('web-9'));
        await waitFor('the add', () => log.includes('add web-9'));
      });
    });
  });
});
