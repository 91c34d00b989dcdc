import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { parseConfig, ConfigError, CONFIG_KEYS, parseAlertRoutes, conversationsForRoute } from '../../src/config/index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('expected the configuration to be refused');
}

describe('alerts configuration', () => {
  it('is off by default, with a 2 minute grace period, a 4 hour quiet window, a flood threshold of 5 and no routes', () => {
    const { alerts } = parseConfig({});
    assert.equal(alerts.enabled, false);
    assert.equal(alerts.gracePeriodMs, 120_000);
    assert.equal(alerts.quietWindowMs, 4 * 3_600_000);
    assert.equal(alerts.floodThreshold, 5);
    assert.deepEqual(alerts.namespaces, []);
    assert.deepEqual(alerts.routes, []);
    assert.equal(alerts.leaderElection, undefined);
    assert.equal(alerts.webhookSecret, undefined);
  });

  it('reads durations, namespaces, leader election and the pod name', () => {
    const { alerts } = parseConfig({
      ALERTS_ENABLED: 'true',
      ALERT_NAMESPACES: 'shop, payments shop',
      ALERT_GRACE_PERIOD: '90s',
      ALERT_QUIET_WINDOW: '30m',
      ALERT_FLOOD_THRESHOLD: '8',
      ALERT_CLUSTER_NAME: 'prod-weu',
      LEADER_ELECTION_NAMESPACE: 'pull-doctor',
      POD_NAME: 'pull-doctor-6f7c9d-x2k8p',
    });
    assert.equal(alerts.enabled, true);
    assert.deepEqual(alerts.namespaces, ['shop', 'payments']);
    assert.equal(alerts.gracePeriodMs, 90_000);
    assert.equal(alerts.quietWindowMs, 1_800_000);
    assert.equal(alerts.floodThreshold, 8);
    assert.equal(alerts.clusterName, 'prod-weu');
    assert.deepEqual(alerts.leaderElection, { namespace: 'pull-doctor', leaseName: 'pull-doctor-alerts' });
    assert.equal(alerts.podName, 'pull-doctor-6f7c9d-x2k8p');
  });

  it('keeps the webhook secret out of every printed form', () => {
    const secret = 'b9f1c0d7e2a84f6a9c3e5d7f1a2b4c6d';
    const { alerts } = parseConfig({ ALERTMANAGER_WEBHOOK_SECRET: secret });
    assert.equal(alerts.webhookSecret?.reveal(), secret);
    assert.doesNotMatch(JSON.stringify(alerts), new RegExp(secret));
    assert.doesNotMatch(inspect(alerts, { depth: 5 }), new RegExp(secret));
  });

  it('lists every problem: bad namespaces, durations, threshold, short secret, bad lease namespace', () => {
    const problems = problemsOf({
      ALERT_NAMESPACES: 'Shop,ok',
      ALERT_GRACE_PERIOD: 'soon',
      ALERT_QUIET_WINDOW: '30d',
      ALERT_FLOOD_THRESHOLD: '0',
      ALERTMANAGER_WEBHOOK_SECRET: 'short',
      LEADER_ELECTION_NAMESPACE: 'Pull_Doctor',
    });
    assert.equal(problems.length, 6, problems.join('\n'));
    assert.match(problems.join('\n'), /ALERT_NAMESPACES: "Shop" is not a namespace name/);
    assert.match(problems.join('\n'), /ALERT_GRACE_PERIOD must be a duration/);
    assert.match(problems.join('\n'), /ALERT_QUIET_WINDOW must be at most 168h/);
    assert.match(problems.join('\n'), /ALERT_FLOOD_THRESHOLD must be between 1 and 100/);
    assert.match(problems.join('\n'), /ALERTMANAGER_WEBHOOK_SECRET must be at least 16 characters/);
    assert.doesNotMatch(problems.join('\n'), /short/);
    assert.match(problems.join('\n'), /LEADER_ELECTION_NAMESPACE must be a namespace name/);
  });

  it('declares its keys', () => {
    for (const key of [
      'ALERTS_ENABLED',
      'ALERT_NAMESPACES',
      'ALERT_GRACE_PERIOD',
      'ALERT_QUIET_WINDOW',
      'ALERT_FLOOD_THRESHOLD',
      'ALERT_ROUTES',
      'ALERTMANAGER_WEBHOOK_SECRET',
      'LEADER_ELECTION_NAMESPACE',
      'POD_NAME',
    ]) {
      assert.ok(CONFIG_KEYS.includes(key), key);
    }
  });
});

describe('ALERT_ROUTES', () => {
  it('reads the compact form with wildcards and several conversations per route', () => {
    const { routes, problems } = parseAlertRoutes(
      'prod/shop=19:abc@thread.tacv2; prod/*=19:ops@thread.tacv2,19:sre@thread.tacv2 ;*/*=19:all@thread.tacv2',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(routes, [
      { cluster: 'prod', namespace: 'shop', conversations: ['19:abc@thread.tacv2'] },
      { cluster: 'prod', namespace: '*', conversations: ['19:ops@thread.tacv2', '19:sre@thread.tacv2'] },
      { cluster: '*', namespace: '*', conversations: ['19:all@thread.tacv2'] },
    ]);
  });

  it('reads the JSON form', () => {
    const { routes, problems } = parseAlertRoutes(
      '[{"cluster":"prod","namespace":"shop","conversations":["19:abc@thread.tacv2"]},{"namespace":"payments","conversation":"a:1pXyZ-personal"}]',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(routes, [
      { cluster: 'prod', namespace: 'shop', conversations: ['19:abc@thread.tacv2'] },
      { cluster: '*', namespace: 'payments', conversations: ['a:1pXyZ-personal'] },
    ]);
  });

  it('picks the most specific route: exact namespace first, then exact cluster', () => {
    const { routes } = parseAlertRoutes(
      '*/*=19:all@thread.tacv2;prod/*=19:prod@thread.tacv2;*/shop=19:shop@thread.tacv2;prod/shop=19:prodshop@thread.tacv2',
    );
    assert.deepEqual(conversationsForRoute(routes, 'prod', 'shop'), ['19:prodshop@thread.tacv2']);
    assert.deepEqual(conversationsForRoute(routes, 'dev', 'shop'), ['19:shop@thread.tacv2']);
    assert.deepEqual(conversationsForRoute(routes, 'prod', 'payments'), ['19:prod@thread.tacv2']);
    assert.deepEqual(conversationsForRoute(routes, 'dev', 'payments'), ['19:all@thread.tacv2']);
    assert.deepEqual(conversationsForRoute([], 'dev', 'payments'), []);
  });

  it('says what is wrong with each bad entry and keeps no routes', () => {
    const { routes, problems } = parseAlertRoutes(
      'prod/shop=19:abc@thread.tacv2;messageid=1712345;Prod/shop=19:x@thread.tacv2;prod-shop=19:y@thread.tacv2;prod/shop=19:z@thread.tacv2;dev/ns=',
    );
    assert.deepEqual(routes, []);
    const text = problems.join('\n');
    assert.match(text, /entry 2: "messageid=1712345" looks like the ;messageid=… of a reply thread/);
    assert.match(text, /"Prod" is not a valid cluster/);
    assert.match(text, /entry 4: "prod-shop=19:y@thread.tacv2" is not CLUSTER\/NAMESPACE=CONVERSATION/);
    assert.match(text, /prod\/shop appears more than once/);
    assert.match(text, /entry 6: no conversation id after "="/);
  });

  it('refuses malformed JSON and wrong shapes with a clear message', () => {
    assert.match(parseAlertRoutes('[{"cluster": ').problems[0]!, /not valid JSON/);
    assert.match(parseAlertRoutes('{"cluster":"prod"}').problems[0]!, /must be an array/);
    assert.match(parseAlertRoutes('[{"cluster":"prod","namespace":"shop","conversations":[]}]').problems[0]!, /non-empty array/);
    assert.match(
      parseAlertRoutes('[{"cluster":"prod","namespace":"shop","conversations":["19:a b"]}]').problems[0]!,
      /not a Teams conversation id/,
    );
  });

  it('is reported by parseConfig like every other setting', () => {
    const problems = problemsOf({ ALERT_ROUTES: 'nonsense' });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^ALERT_ROUTES entry 1/);
  });
});
