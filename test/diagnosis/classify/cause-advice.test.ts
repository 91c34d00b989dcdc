import assert from 'node:assert/strict';
import { CAUSES } from '../../../src/diagnosis/types.js';
import { describeCause } from '../../../src/diagnosis/classify/cause-advice.js';

describe('describeCause', () => {
  it('gives every cause a title, an explanation and a remediation in plain words', () => {
    const titles = new Set<string>();
    for (const cause of CAUSES) {
      const advice = describeCause(cause);
      for (const text of [advice.title, advice.explanation, advice.remediation]) {
        assert.ok(text.trim().length > 10, `${cause}: empty advice`);
        assert.doesNotMatch(text, /undefined|TODO/);
        assert.doesNotMatch(text, /`/, `${cause}: commands belong in a check's commands, not in backticks in prose`);
      }
      titles.add(advice.title);
    }
    assert.equal(titles.size, CAUSES.length, 'two causes share a title');
  });

  it('tells the on-call engineer how to fix refused credentials on ACR and on other registries', () => {
    const advice = describeCause('unauthorized');
    assert.equal(advice.title, "The registry refused the node's credentials");
    assert.match(advice.remediation, /kubelet identity/);
    assert.match(advice.remediation, /AcrPull/);
    assert.match(advice.remediation, /az aks check-acr/);
    assert.match(advice.remediation, /imagePullSecret/);
  });

  it('points forbidden pulls from ACR at the network rules', () => {
    assert.match(describeCause('forbidden').remediation, /az acr network-rule add|private endpoint/);
  });

  it("tells apart the registry's 429 from the kubelet's own pull QPS limit", () => {
    const advice = describeCause('rate-limited');
    assert.match(advice.explanation, /pull QPS exceeded/);
    assert.match(advice.remediation, /registryPullQPS/);
  });

  it('says that an admission denial reads Forbidden without being a registry refusal', () => {
    assert.match(describeCause('policy').explanation, /API server/);
  });

  it('hands out a copy, so a caller cannot change the advice for everyone', () => {
    const first = describeCause('dns');
    first.title = 'changed';
    assert.notEqual(describeCause('dns').title, 'changed');
  });

  it('gives only the advice for the kind of registry when it is known', () => {
    const acr = describeCause('unauthorized', { registry: 'acr' }).remediation;
    const other = describeCause('unauthorized', { registry: 'other' }).remediation;
    assert.match(acr, /AcrPull/);
    assert.doesNotMatch(acr, /imagePullSecret/);
    assert.match(other, /imagePullSecret/);
    assert.doesNotMatch(other, /AcrPull/);
    assert.equal(describeCause('dns', { registry: 'acr' }).remediation, describeCause('dns').remediation);
  });

  it('does not suggest missing credentials for a missing tag on ACR, which answers 401 to those without them', () => {
    const acr = describeCause('image-not-found', { registry: 'acr' });
    const other = describeCause('image-not-found', { registry: 'other' });
    assert.doesNotMatch(acr.explanation, /Docker Hub/);
    assert.match(acr.explanation, /really missing/);
    // The exact show-tags command, with the real names, is the image check's (image-exists): not repeated here with placeholders.
    assert.match(acr.remediation, /against the tags the registry has/);
    assert.doesNotMatch(acr.remediation, /REGISTRY|REPO/);
    assert.doesNotMatch(acr.remediation, /imagePullSecret/);
    assert.match(other.explanation, /private repository/);
    assert.match(other.remediation, /imagePullSecret/);
    assert.doesNotMatch(other.remediation, /az acr/);
  });
});
