import { isIP } from 'node:net';
import type { RegistryEndpoint } from './registry-endpoint.js';
import { endpointOfUrl } from './registry-endpoint.js';

/**
 * Where a credential may go. The rules (a request that would break one is not sent; the result says why):
 *
 * 1. Nothing secret travels over anything but https (realms and redirects to http are refused).
 * 2. A bearer token, and Basic credentials answering a Basic challenge, go only to the registry endpoint
 *    (same host and port) they were meant for. A redirect to another endpoint is followed without them.
 * 3. Basic credentials for a Bearer challenge go to the token realm only when the realm is on the registry host,
 *    or on a sibling/parent host of the same organisation's domain (`registry-1.docker.io` → `auth.docker.io`,
 *    `registry.gitlab.com` → `gitlab.com`). Multi-tenant domains where every customer has a subdomain
 *    (`*.azurecr.io`, ...) only count as "the same host".
 * 4. The tool's own Entra token (an Azure Resource Manager credential) goes only to `/oauth2/exchange` on the
 *    registry host itself, and only when the registry named a realm on that same host (as ACR does).
 */

/** Domains whose subdomains belong to different customers: a sibling there is a stranger. */
const MULTI_TENANT_PARENTS = new Set([
  'azurecr.io',
  'azurecr.cn',
  'azurecr.us',
  'azurecr.de',
  'jfrog.io',
  'cloudfront.net',
  'herokuapp.com',
  'github.io',
  'azurewebsites.net',
  'appspot.com',
  'ngrok.io',
  'ngrok-free.app',
  'trycloudflare.com',
  'workers.dev',
  'pages.dev',
  'netlify.app',
  'vercel.app',
  'onrender.com',
  'fly.dev',
]);

export function sameEndpoint(a: RegistryEndpoint, b: RegistryEndpoint): boolean {
  return a.host === b.host && a.port === b.port;
}

/** Rule 3: may Basic credentials for `registry` be sent to the token `realm`? */
export function realmMayReceiveBasic(registry: RegistryEndpoint, realm: URL): boolean {
  if (realm.protocol !== 'https:') return false;
  const realmHost = endpointOfUrl(realm).host;
  if (realmHost === registry.host) return true;
  if (isIP(registry.host) !== 0 || isIP(realmHost) !== 0) return false;
  const labels = registry.host.split('.');
  if (labels.length < 3) return false;
  const parent = labels.slice(1).join('.');
  if (MULTI_TENANT_PARENTS.has(parent)) return false;
  return realmHost === parent || realmHost.endsWith(`.${parent}`);
}

/** Rule 4: may the Entra token be exchanged at this realm for this registry? */
export function realmMayReceiveEntraToken(registry: RegistryEndpoint, realm: URL): boolean {
  return realm.protocol === 'https:' && sameEndpoint(endpointOfUrl(realm), registry);
}
