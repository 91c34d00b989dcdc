import { registryApiHost } from '../image/image-reference.js';
import { finding, hasPullFailure, type Check } from '../check.js';
import type { Finding } from '../types.js';

const FAILURE_ADVICE: Record<string, { summary: string; remediation: string }> = {
  tls: {
    summary: 'the TLS handshake failed',
    remediation:
      "The registry presents a certificate the client does not trust or that is for another name. Use the registry's real host name; for a private CA, install it on the nodes (containerd config) rather than disabling verification.",
  },
  timeout: {
    summary: 'the connection timed out',
    remediation:
      "A firewall, NSG, route table or proxy drops the traffic. From AKS, egress to the registry (HTTPS 443) must be allowed, including the registry's data endpoint.",
  },
  refused: {
    summary: 'the connection was refused',
    remediation: 'Nothing listens on that port: check the registry host and port in the image.',
  },
  reset: {
    summary: 'the connection was reset',
    remediation: 'A middlebox (firewall, proxy) interrupts the connection; check egress rules.',
  },
  dns: { summary: 'the host does not resolve', remediation: 'See the DNS finding.' },
  other: { summary: 'the request failed', remediation: 'Check network access from the cluster to the registry.' },
};

/** `GET https://<registry>/v2/`: is the registry API reachable over HTTPS, and how does it ask for credentials? */
export const registryEndpointCheck: Check = {
  id: 'registry-endpoint',
  title: 'Registry endpoint',
  applies: (ctx) => hasPullFailure(ctx) && ctx.facts.registries().length > 0,
  async run(ctx) {
    return Promise.all(
      ctx.facts.registries().map(async (registry): Promise<Finding> => {
        const host = registryApiHost(registry);
        const dns = await ctx.facts.dns(registry);
        if (!dns.ok) return finding('registry-endpoint', 'skip', `Not tried: ${host} does not resolve.`);
        const ping = await ctx.facts.ping(registry);
        if (!ping.ok) {
          const advice = FAILURE_ADVICE[ping.kind] ?? FAILURE_ADVICE.other!;
          return finding(
            'registry-endpoint',
            'fail',
            `https://${host}/v2/ is not reachable: ${advice.summary}${ping.code ? ` (${ping.code})` : ''}.`,
            {
              detail: ping.message,
              remediation: advice.remediation,
            },
          );
        }
        const c = ping.challenge;
        const how = c
          ? c.scheme.toLowerCase() === 'bearer'
            ? `asks for a token from its token service (realm ${c.realm ?? '?'}, service ${c.service ?? '?'})`
            : `asks for ${c.scheme} credentials${c.realm ? ` (realm ${c.realm})` : ''}`
          : ping.status === 200
            ? 'allows anonymous access'
            : 'does not ask for credentials';
        const status = ping.status === 200 || ping.status === 401 ? 'pass' : 'warn';
        return finding('registry-endpoint', status, `https://${host}/v2/ answers HTTP ${ping.status} and ${how}.`);
      }),
    );
  },
};
