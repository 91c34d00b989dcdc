import assert from 'node:assert/strict';
import { request } from 'node:https';
import { sandboxGraphCredential, startFakeGraph, type FakeGraph } from './index.js';
import { testTls } from '../tls.js';

const TENANT = '8f3e6a1c-2b4d-4e5f-9a6b-7c8d9e0f1a2b';
const GROUP = '5d2c9b8a-7f6e-4d3c-8b2a-1f0e9d8c7b6a';
const USER = '6f1e2d3c-4b5a-4987-8a6b-5c4d3e2f1a0b';

function call(
  graph: FakeGraph,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; json: any; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request(`${graph.url}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(text ? { 'Content-Type': 'application/json' } : {}) },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(data), headers: res.headers }));
    });
    req.end(text);
  });
}

describe('fake Microsoft Graph', () => {
  let graph: FakeGraph;
  let token: string;
  before(async () => {
    graph = await startFakeGraph({ tls: testTls(), tenantId: TENANT });
    graph.addUser(USER);
    graph.addGroup(GROUP, [USER]);
    token = (await sandboxGraphCredential({ tenantId: TENANT }).getToken('https://graph.microsoft.com/.default'))!.token;
  });
  after(() => graph.close());

  it('answers checkMemberGroups with an OData string collection and request ids', async () => {
    const answer = await call(graph, 'POST', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, { groupIds: [GROUP] }, token);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.json, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)',
      value: [GROUP],
    });
    assert.match(String(answer.headers['content-type']), /^application\/json;odata\.metadata=minimal/);
    assert.match(String(answer.headers['request-id']), /^[0-9a-f-]{36}$/);
  });

  it('answers 401 InvalidAuthenticationToken without a token or with another audience', async () => {
    const none = await call(graph, 'POST', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, { groupIds: [GROUP] });
    assert.equal(none.status, 401);
    assert.equal(none.json.error.code, 'InvalidAuthenticationToken');
    assert.equal(none.json.error.message, 'Access token is empty.');
    const armToken = (await sandboxGraphCredential({ tenantId: TENANT, audience: 'https://management.azure.com' }).getToken('x'))!.token;
    const wrong = await call(graph, 'POST', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, { groupIds: [GROUP] }, armToken);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.message, 'Access token validation failure. Invalid audience.');
  });

  it('answers 400 for more than 20 groups, a malformed body or an id that is not a GUID, and 405 for GET', async () => {
    const many = await call(graph, 'POST', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, { groupIds: Array(21).fill(GROUP) }, token);
    assert.equal(many.status, 400);
    const malformed = await call(graph, 'POST', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, { groups: [GROUP] }, token);
    assert.equal(malformed.status, 400);
    const badId = await call(graph, 'POST', '/v1.0/directoryObjects/not-a-guid/checkMemberGroups', { groupIds: [GROUP] }, token);
    assert.equal(badId.status, 400);
    assert.equal(badId.json.error.code, 'Request_BadRequest');
    const get = await call(graph, 'GET', `/v1.0/directoryObjects/${USER}/checkMemberGroups`, undefined, token);
    assert.equal(get.status, 405);
  });
});
