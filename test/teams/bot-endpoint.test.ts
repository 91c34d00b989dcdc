import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, memorySink, routeConsole, silentLogger } from '../../src/logging/index.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';
import {
  BackgroundWork,
  BotAdapter,
  botFrameworkSettings,
  FollowUps,
  TeamsCards,
  type TeamsTransport,
} from '../../src/teams/bot-framework.js';
import { PullDoctorBot } from '../../src/teams/bot.js';
import { createBotEndpoint, UNAUTHORIZED, type BotEndpoint } from '../../src/teams/bot-endpoint.js';
import { loadCardTemplates } from '../../src/teams/cards.js';
import { CardActionStore } from '../../src/teams/card-actions.js';
import { ProactiveSender } from '../../src/teams/conversations.js';
import { cardTexts } from '../support/card-text.js';
import { cardActionInvoke, personalChat } from '../support/teams-activities.js';

const APP_ID = '3f8a2c1e-5b7d-4e9f-a1c3-0d2e4f6a8b9c';
const TENANT_ID = '72c1e5a9-4b3d-4f8e-9a6c-1d2e3f4a5b6c';
const AUTH = { mode: 'UserAssignedMsi', appId: APP_ID, tenantId: TENANT_ID } as const;
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const KID = 'pulldoctor-test-key';

/** The Bot Framework's OpenID metadata and signing keys, served on 127.0.0.1 with a key this test holds. */
async function startKeyServer(publicKey: KeyObject): Promise<{ url: string; server: Server }> {
  const jwk = publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    const { port } = server.address() as AddressInfo;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/openidconfiguration')
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `http://127.0.0.1:${port}/keys` }));
    else if (req.url === '/keys')
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KID, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openidconfiguration`, server };
}

function signedToken(privateKey: KeyObject, claims: object): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: KID })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const connectorClaims = (more: object = {}) => ({
  serviceurl: SERVICE_URL,
  nbf: now() - 60,
  exp: now() + 3600,
  iss: 'https://api.botframework.com',
  aud: APP_ID,
  ...more,
});

describe('the bot endpoint with a Bot Framework identity (the real token validation, against keys served here)', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let keyServer: { url: string; server: Server };
  let endpoint: BotEndpoint;
  let store: Store;
  const dir = mkdtempSync(join(tmpdir(), 'pulldoctor-endpoint-'));
  const sink = memorySink();

  before(async () => {
    keyServer = await startKeyServer(keys.publicKey);
    // The public cloud's settings, except where the signing keys are published: here.
    const adapter = new BotAdapter(
      new ConfigurationBotFrameworkAuthentication({
        ...botFrameworkSettings(AUTH),
        ToBotFromChannelOpenIdMetadataUrl: keyServer.url,
        ToBotFromEmulatorOpenIdMetadataUrl: keyServer.url,
        ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
        ToChannelFromBotLoginUrl: `https://login.microsoftonline.com/${TENANT_ID}`,
        ToChannelFromBotOAuthScope: 'https://api.botframework.com',
        OAuthUrl: 'https://api.botframework.com',
        CallerId: 'urn:botframework:azure',
        ValidateAuthority: true,
      }),
    );
    const log = createLogger({ sink, level: 'debug' });
    store = await openSqliteStore({ path: join(dir, 'state.sqlite'), log: silentLogger() });
    const teams: TeamsTransport = {
      auth: AUTH,
      adapter,
      sender: new ProactiveSender(adapter, AUTH),
      cards: new TeamsCards(loadCardTemplates(), false),
      followUps: new FollowUps(new BackgroundWork()),
      label: { sandbox: false, samplePods: [] },
    };
    const bot = new PullDoctorBot({
      teams,
      diagnose: undefined,
      listFailing: undefined,
      cardActions: new CardActionStore(store.documents),
      fixes: undefined,
      alerts: undefined,
      log,
    });
    endpoint = createBotEndpoint({ adapter, bot, followUps: teams.followUps, auth: AUTH, log });
  });

  after(async () => {
    await new Promise((resolve) => keyServer.server.close(resolve));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A button press (an invoke: answered within the request, nothing sent to the connector). */
  const press = (token: string) =>
    endpoint.handle({
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      activity: cardActionInvoke(SERVICE_URL, personalChat(), 'message-1', { verb: 'rerun', data: { id: 'no-such-id' } }),
    });

  it("lets the Bot Connector service's token through the screen and the library's validation to the bot", async () => {
    const answer = await press(signedToken(keys.privateKey, connectorClaims()));
    assert.equal(answer.status, 200);
    const card = (answer.body as { value: unknown }).value;
    assert.equal(cardTexts(card)[0], 'That request is not valid', 'the bot answered the press');
  });

  it("refuses what the library refuses (another bot's audience, an expired token, another key) with the same 401, logged once each", async () => {
    const before = sink.records.length;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    // As the server entry does: the library's console.error (a stack per refused token) goes to the logger.
    const restore = routeConsole(createLogger({ sink, level: 'debug' }));
    try {
      for (const token of [
        signedToken(keys.privateKey, connectorClaims({ aud: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a' })),
        signedToken(keys.privateKey, connectorClaims({ nbf: now() - 7200, exp: now() - 3600 })),
        signedToken(other.privateKey, connectorClaims()),
      ]) {
        assert.deepEqual(await press(token), UNAUTHORIZED);
      }
    } finally {
      restore();
    }
    const records = sink.records.slice(before);
    const refusals = records.filter((r) => r.msg === 'request refused: not authenticated');
    assert.deepEqual(
      refusals.map((r) => [r.level, r.reason]),
      [
        ['warn', 'refused by the Bot Framework'],
        ['warn', 'refused by the Bot Framework'],
        ['warn', 'refused by the Bot Framework'],
      ],
    );
    assert.match(String(refusals[0]!.detail), /Invalid AppId passed on token/);
    assert.match(String(refusals[1]!.detail), /The token has expired/);
    assert.match(String(refusals[2]!.detail), /invalid signature/);
    const library = records.filter((r) => r.source === 'console');
    assert.ok(library.length > 0 && library.every((r) => r.level === 'debug' && !String(r.text).includes('\n')), JSON.stringify(library));
    assert.ok(!JSON.stringify(records).includes('    at '), 'no stack trace');
  });
});
