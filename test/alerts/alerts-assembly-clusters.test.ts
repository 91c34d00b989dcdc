import assert from 'node:assert/strict';
import type { AlertService } from '../../src/alerts/alert-service.js';
import { alertClusters, alertRoutesFor } from '../../src/alerts/alerts-assembly.js';
import { singleCluster } from '../../src/clusters/cluster-connections.js';
import { allExecuteActions, cardTexts, factValue } from '../support/card-text.js';
import { alertmanagerPayload } from '../support/alertmanager-payload.js';
import { cardOf, GRACE_MS, startAlertingBotWorld, WEBHOOK_SECRET, type AlertingBotWorld, type Replica } from '../support/alerting-bot.js';
import {
  cardActionInvoke,
  channelThread,
  installationUpdateActivity,
  messageActivity,
  personalChat,
  postActivity,
} from '../support/teams-activities.js';
import { waitFor } from '../support/wait-for.js';

const PROD_OPS = '19:7e1c3f0a9b2d4e5f8a6b0c1d2e3f4a5b@thread.tacv2';
const STAGING_OPS = '19:0a1b2c3d4e5f60718293a4b5c6d7e8f9@thread.tacv2';

/** The cluster file as `pulldoctorConfig` passes it in Azure: JSON in PULLDOCTOR_CONFIG. */
const clusterFile = JSON.stringify({
  defaultCluster: 'prod',
  clusters: [
    { name: 'prod', context: 'prod', routes: { '*': PROD_OPS } },
    { name: 'staging', context: 'staging', namespaces: ['shop'], routes: { shop: STAGING_OPS } },
  ],
});

describe('alerts for the clusters of the cluster file', function () {
  this.timeout(30_000);
  let world: AlertingBotWorld;
  let replica: Replica;
  const service = (name: string): AlertService => replica.app.alerts!.services.get(name)!;

  beforeEach(async () => {
    world = await startAlertingBotWorld({ clusters: ['prod', 'staging'] });
    replica = await world.replica({ env: { PULLDOCTOR_CONFIG: clusterFile } });
    for (const name of ['prod', 'staging']) {
      await waitFor(`${name} to watch`, () => service(name)?.engine?.watcher.isSynced('shop') === true);
    }
    for (const id of [PROD_OPS, STAGING_OPS])
      await postActivity(replica.url, installationUpdateActivity(world.connector.serviceUrl, channelThread(id), 'add'));
  });
  afterEach(async () => {
    await world.close();
  });

  it('watches every cluster, each alert naming its cluster and going where that cluster routes it', async () => {
    world.fail('web', 1, 'staging');
    world.fail('api', 1, 'prod');
    await waitFor(
      'both failures to be noticed',
      () => service('staging').engine!.detector.pending === 1 && service('prod').engine!.detector.pending === 1,
    );
    await world.clock.advance(GRACE_MS);
    await waitFor('both alerts', () => world.alertCalls().length === 2);
    const [staging] = world.alertCalls(STAGING_OPS);
    const [prod] = world.alertCalls(PROD_OPS);
    assert.match(String(cardOf(staging!).fallbackText), /^🔔 Deployment web \(shop on staging\): /);
    assert.match(String(cardOf(prod!).fallbackText), /^🔔 Deployment api \(shop on prod\): /);
  });

  it('picks the cluster of an Alertmanager alert from its cluster label, and the default cluster without one', async () => {
    world.fail('web', 1, 'staging');
    world.fail('api', 1, 'prod');
    const post = (alerts: Parameters<typeof alertmanagerPayload>[0]) =>
      fetch(`${replica.url}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${WEBHOOK_SECRET}`, 'content-type': 'application/json' },
        body: alertmanagerPayload(alerts),
      });
    assert.equal((await post([{ namespace: 'shop', pod: 'web-7d4c9b8f6d-p1', cluster: 'staging' }])).status, 202);
    assert.equal((await post([{ namespace: 'shop', pod: 'api-7d4c9b8f6d-p1' }])).status, 202);
    await waitFor('both alerts', () => world.alertCalls().length === 2);
    assert.match(String(cardOf(world.alertCalls(STAGING_OPS)[0]!).fallbackText), /^🔔 Deployment web \(shop on staging\): /);
    assert.match(String(cardOf(world.alertCalls(PROD_OPS)[0]!).fallbackText), /^🔔 Deployment api \(shop on prod\): /);
  });

  it("says in alerts status which of the cluster file's routes lead to the conversation, and what fails now on that cluster only", async () => {
    const before = world.connector.calls.length;
    await postActivity(
      replica.url,
      messageActivity(world.connector.serviceUrl, channelThread(`${STAGING_OPS};messageid=1795735129931`), 'alerts status'),
    );
    const reply = await world.connector.waitFor((c) => world.connector.calls.indexOf(c) >= before && c.activity?.type === 'message');
    assert.deepEqual(cardTexts(cardOf(reply)), [
      '🔔 Alerts',
      'Alerts come here from the configured routes.',
      '✅ Nothing is failing now in namespace shop on cluster staging.',
      'Configured routes also send alerts here, set by an administrator: staging/shop.',
    ]);
  });

  it('answers alerts on for every cluster with the cluster where most pods fail, its Diagnose buttons asking that cluster', async () => {
    world.fail('web', 1, 'staging');
    world.fail('web', 2, 'staging');
    world.fail('api', 1, 'prod');
    const chat = personalChat();
    const before = world.connector.calls.length;
    await postActivity(replica.url, messageActivity(world.connector.serviceUrl, chat, 'alerts on'));
    const reply = await world.connector.waitFor((c) => world.connector.calls.indexOf(c) >= before && c.conversationId === chat.id);
    const texts = cardTexts(cardOf(reply));
    assert.deepEqual(texts.slice(0, 2), [
      '🔔 Alerts are on here for every namespace of every cluster.',
      '🔴 2 failing pods in namespace shop',
    ]);
    assert.ok(texts[2]!.startsWith('Cluster staging · '), texts[2]);
    assert.ok(texts.includes('🔴 1 pod cannot pull its image now on cluster prod.'), JSON.stringify(texts));
    assert.ok(texts.includes('🔴 2 pods cannot pull their images now in namespace shop on cluster staging.'), JSON.stringify(texts));

    const [first] = allExecuteActions(cardOf(reply));
    const pressed = await postActivity(
      replica.url,
      cardActionInvoke(world.connector.serviceUrl, chat, reply.resultId!, { verb: first!.verb, data: { id: first!.id } }),
    );
    assert.equal(pressed.status, 200);
    const diagnosis = await world.connector.waitFor(
      (c) =>
        c.conversationId === chat.id &&
        c.activity?.type === 'message' &&
        c.activity.summary === "❌ shopacr.azurecr.io refused the node's credentials (401)" &&
        factValue(cardOf(c), 'Pod') === 'shop/web-7d4c9b8f6d-p1',
    );
    assert.notEqual(diagnosis.activityId, reply.resultId, 'the diagnosis is a message of its own');
    assert.ok(!world.connector.calls.some((c) => c.operation === 'update' && c.activityId === reply.resultId), 'the list stays');
    assert.equal(factValue(cardOf(diagnosis), 'Cluster'), 'staging', 'diagnosed on staging, where it fails');
  });
});

describe('the clusters alerts watch', () => {
  const connection = { name: 'aks-prod-weu', routes: {} } as unknown as Parameters<typeof singleCluster>[0];
  const clusters = singleCluster(connection, {} as Parameters<typeof singleCluster>[1], ['aks-prod-weu', 'aks-prod-weu-admin']);

  it('names the only cluster after ALERT_CLUSTER_NAME, else its context, and knows it by its other names too', () => {
    assert.deepEqual(alertClusters(clusters, 'prod'), [
      { name: 'prod', connectAs: undefined, aliases: ['prod', 'aks-prod-weu', 'aks-prod-weu-admin'] },
    ]);
    assert.deepEqual(alertClusters(clusters, undefined)[0]!.name, 'aks-prod-weu');
  });

  it("merges a cluster's routes from the cluster file with ALERT_ROUTES, without losing a conversation", () => {
    const routes = alertRoutesFor('prod', { '*': '19:a@thread.tacv2', payments: '19:b@thread.tacv2' }, [
      { cluster: 'prod', namespace: '*', conversations: ['19:c@thread.tacv2'] },
      { cluster: '*', namespace: '*', conversations: ['19:d@thread.tacv2'] },
    ]);
    assert.deepEqual(routes, [
      { cluster: 'prod', namespace: '*', conversations: ['19:a@thread.tacv2', '19:c@thread.tacv2'] },
      { cluster: 'prod', namespace: 'payments', conversations: ['19:b@thread.tacv2'] },
      { cluster: '*', namespace: '*', conversations: ['19:d@thread.tacv2'] },
    ]);
  });
});
