import assert from 'node:assert/strict';
import { isAzureContainerRegistry, parseImageReference, registryApiHost } from '../../../src/diagnosis/image/index.js';

describe('registryApiHost', () => {
  it('sends Docker Hub API calls to registry-1.docker.io, as containerd and Docker do', () => {
    assert.equal(registryApiHost('docker.io'), 'registry-1.docker.io');
  });

  it('leaves every other registry as it is, port included', () => {
    for (const registry of ['myacr.azurecr.io', 'ghcr.io', 'localhost:5000', '[::1]:5000', 'registry-1.docker.io', 'quay.io']) {
      assert.equal(registryApiHost(registry), registry);
    }
  });

  it('gives the API host of a parsed short name', () => {
    const parsed = parseImageReference('nginx:1.27');
    assert.ok(parsed.ok);
    assert.equal(registryApiHost(parsed.ref.registry), 'registry-1.docker.io');
  });
});

describe('isAzureContainerRegistry', () => {
  it('recognises login servers in the public, China, Germany and US Government clouds', () => {
    for (const registry of ['myacr.azurecr.io', 'contoso.azurecr.cn', 'legacy.azurecr.de', 'agency.azurecr.us']) {
      assert.equal(isAzureContainerRegistry(registry), true, registry);
    }
  });

  it('recognises a login server with a domain name label hash and in any letter case', () => {
    assert.equal(isAzureContainerRegistry('contosoacr-d7hcffg5bwb6a8ap.azurecr.io'), true);
    assert.equal(isAzureContainerRegistry('MyACR.AzureCR.IO'), true);
  });

  it('tolerates a port after the login server', () => {
    assert.equal(isAzureContainerRegistry('myacr.azurecr.io:443'), true);
  });

  it('refuses look-alikes, data endpoints and other registries', () => {
    for (const registry of [
      'azurecr.io',
      '.azurecr.io',
      'myacr.azurecr.io.evil.example.com',
      'myazurecr.io',
      'myacr.azurecr.com',
      'myacr.westeurope.data.azurecr.io',
      '-myacr.azurecr.io',
      'my_acr.azurecr.io',
      'mcr.microsoft.com',
      'docker.io',
      '',
      'myacr.azurecr.io:',
      'myacr.azurecr.io/shop',
      'myacr.azurecr.io\n',
    ]) {
      assert.equal(isAzureContainerRegistry(registry), false, JSON.stringify(registry));
    }
  });

  it('agrees with the registry that parseImageReference finds', () => {
    const parsed = parseImageReference('MyRegistry.azurecr.io/shop/web:1.4.2');
    assert.ok(parsed.ok);
    assert.equal(isAzureContainerRegistry(parsed.ref.registry), true);
  });
});
