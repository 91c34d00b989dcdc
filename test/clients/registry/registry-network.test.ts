import assert from 'node:assert/strict';
import { systemRegistryNetwork } from '../../../src/clients/registry/registry-network.js';

describe('systemRegistryNetwork', () => {
  it('resolves through the system resolver (/etc/hosts) and connects to the first address on the same port', async () => {
    const network = systemRegistryNetwork({ timeoutMs: 2000 });
    const addresses = await network.resolve('localhost');
    assert.ok(
      addresses.some((a) => a === '127.0.0.1' || a === '::1'),
      `localhost resolved to ${addresses.join(', ')}`,
    );
    assert.deepEqual(await network.connectTarget('localhost', 5000), { address: addresses[0], port: 5000 });
  });

  it('passes IP addresses through unchanged', async () => {
    assert.deepEqual(await systemRegistryNetwork().connectTarget('127.0.0.1', 443), { address: '127.0.0.1', port: 443 });
  });
});
