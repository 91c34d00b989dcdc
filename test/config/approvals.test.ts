import assert from 'node:assert/strict';
import { parseConfig, ConfigError, CONFIG_KEYS } from '../../src/config/index.js';
import { approvalsEnabled } from '../../src/config/index.js';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('approvals configuration', () => {
  it('has no approvers, a one-hour request lifetime and the public Graph endpoint by default', () => {
    const config = parseConfig({}).approvals;
    assert.deepEqual(config, { approvers: [], fixRequestTtlMs: 3_600_000, graphEndpoint: 'https://graph.microsoft.com' });
    assert.equal(approvalsEnabled(config), false);
  });

  it('reads approvers as lowercase object ids, separated by commas or spaces, without duplicates', () => {
    const config = parseConfig({
      APPROVERS: ' 6F1E2D3C-4B5A-4987-8A6B-5C4D3E2F1A0B, 0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e 6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b,',
    }).approvals;
    assert.deepEqual(config.approvers, ['6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b', '0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e']);
    assert.equal(approvalsEnabled(config), true);
  });

  it('refuses approvers that are not object ids, such as user principal names', () => {
    const problems = problemsOf({ APPROVERS: 'ana@contoso.com,6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b' });
    assert.deepEqual(problems, ['APPROVERS must list Entra object ids (GUIDs), comma-separated (got "ana@contoso.com")']);
  });

  it('reads an approver group, which alone is enough to enable approvals', () => {
    const config = parseConfig({ APPROVER_GROUP_ID: 'A1B2C3D4-E5F6-4789-9ABC-DEF012345678' }).approvals;
    assert.equal(config.approverGroupId, 'a1b2c3d4-e5f6-4789-9abc-def012345678');
    assert.equal(approvalsEnabled(config), true);
    assert.match(problemsOf({ APPROVER_GROUP_ID: 'platform-admins' })[0]!, /APPROVER_GROUP_ID must be the object id/);
  });

  it('reads the request lifetime as a duration and keeps it between a minute and a week', () => {
    assert.equal(parseConfig({ FIX_REQUEST_TTL: '15m' }).approvals.fixRequestTtlMs, 900_000);
    assert.equal(parseConfig({ FIX_REQUEST_TTL: '2h' }).approvals.fixRequestTtlMs, 7_200_000);
    assert.match(problemsOf({ FIX_REQUEST_TTL: '10s' })[0]!, /FIX_REQUEST_TTL must be between 1m and 7d/);
    assert.match(problemsOf({ FIX_REQUEST_TTL: '30d' })[0]!, /FIX_REQUEST_TTL must be between 1m and 7d/);
    assert.match(problemsOf({ FIX_REQUEST_TTL: 'soon' })[0]!, /FIX_REQUEST_TTL must be a duration/);
  });

  it('reads a Graph endpoint over HTTPS only, without a trailing slash', () => {
    assert.equal(parseConfig({ GRAPH_ENDPOINT: 'https://graph.microsoft.us/' }).approvals.graphEndpoint, 'https://graph.microsoft.us');
    assert.match(problemsOf({ GRAPH_ENDPOINT: 'http://graph.microsoft.com' })[0]!, /GRAPH_ENDPOINT must use https:/);
  });

  it('declares its keys', () => {
    for (const key of ['APPROVERS', 'APPROVER_GROUP_ID', 'FIX_REQUEST_TTL', 'GRAPH_ENDPOINT']) assert.ok(CONFIG_KEYS.includes(key), key);
  });
});
