import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CAUSES } from '../../../src/diagnosis/types.js';
import { boundMessage, classifyPullError } from '../../../src/diagnosis/classify/classify-pull-error.js';
import { PULL_ERROR_RULES } from '../../../src/diagnosis/classify/pull-error-rules.js';
import { pullErrorAmbiguity } from '../../../src/diagnosis/classify/pull-error-ambiguity.js';
import { loadPullErrorCorpus, RUNTIMES, scoreCorpus, type Runtime } from '../../../scripts/bench/pull-error-corpus.js';

const corpus = loadPullErrorCorpus();

/** Every label needs enough real messages that its accuracy means something. */
const MIN_PER_LABEL = 15;

/** Who prints pull errors on an AKS node and around it, and how many of their messages the corpus must hold. */
const MIN_PER_RUNTIME: Partial<Record<Runtime, number>> = {
  containerd: 40,
  'cri-o': 20,
  docker: 40,
  windows: 12,
  kubelet: 25,
  admission: 20,
};

/**
 * The families issue 11 names, each with a wording that must appear in one of its rows: what every runtime prints,
 * down to the kubelet's own "pull QPS exceeded" and a status line with an empty reason.
 */
const REQUIRED_WORDINGS: ReadonlyArray<[family: string, wording: string]> = [
  ['short-name', 'short name mode is enforcing'],
  ['short-name', 'did not resolve to an alias and no unqualified-search registries are defined'],
  ['admission-image-policy-webhook', 'image policy webhook backend denied one or more images'],
  ['admission-kyverno', 'kyverno'],
  ['admission-gatekeeper', 'validation.gatekeeper.sh'],
  ['admission-azure-policy', '[azurepolicy-'],
  ['admission-ratify', 'subject failed verification'],
  ['admission-sigstore', 'policy.sigstore.dev'],
  ['aks-image-integrity', '[ratify-constraint]'],
  ['cri-o-signature-policy', 'signaturevalidationfailed'],
  ['never-pull', 'is not present with pull policy of never'],
  ['kubelet-pull-qps', 'pull qps exceeded'],
  ['request-canceled', 'net/http: request canceled'],
  ['tag-not-found-in-repository', 'not found in repository quay.io/'],
  ['containerd-no-available-endpoint', 'no available registry endpoint:'],
  ['docker-no-pull-access', 'not found: does not exist or no pull access'],
  ['empty-status-reason', ': 401 "'],
  ['empty-status-reason', 'unexpected status: 403'],
  ['kubelet-pull-secret-missing', 'due to secrets "'],
  ['windows-platform', 'no match for platform in manifest'],
  ['windows-os-mismatch', 'operating system of the container does not match'],
  ['docker-hub-denied', 'requested access to the resource is denied'],
  ['quay-not-authorized', 'access to the requested resource is not authorized'],
  ['gar-permission-denied', '(or it may not exist)'],
  ['ecr-no-basic-auth', 'no basic auth credentials'],
  ['acr-firewall', 'is not allowed access'],
  ['registry-5xx', '503 service unavailable'],
  ['node-disk-full', 'no space left on device'],
];

const text = (message: string): string => boundMessage(message).toLowerCase();

describe('the labelled corpus of real pull-error messages', () => {
  it('holds at least 300 messages, each with a known label, runtime, family and a public source', () => {
    assert.ok(corpus.length >= 300, `only ${corpus.length} messages`);
    for (const row of corpus) {
      assert.ok(CAUSES.includes(row.cause), `unknown cause ${row.cause}`);
      assert.ok((RUNTIMES as readonly string[]).includes(row.runtime), `unknown runtime ${row.runtime}`);
      assert.match(row.family, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.match(row.source, /^https:\/\/\S+$/);
      assert.ok(row.message.trim().length > 0);
    }
  });

  it('holds each message once', () => {
    const seen = new Set<string>();
    const repeated: string[] = [];
    for (const row of corpus) {
      const t = text(row.message);
      if (seen.has(t)) repeated.push(row.message.slice(0, 160));
      seen.add(t);
    }
    assert.deepEqual(repeated, []);
  });

  it(`gives every label at least ${MIN_PER_LABEL} messages`, () => {
    for (const cause of CAUSES) {
      const count = corpus.filter((row) => row.cause === cause).length;
      assert.ok(count >= MIN_PER_LABEL, `${cause} has only ${count} messages`);
    }
  });

  it('covers containerd, CRI-O, dockershim/cri-dockerd, Windows nodes, the kubelet and admission controllers', () => {
    for (const [runtime, min] of Object.entries(MIN_PER_RUNTIME)) {
      const count = corpus.filter((row) => row.runtime === runtime).length;
      assert.ok(count >= (min ?? 0), `${runtime} has only ${count} messages`);
    }
  });

  it('holds every family of wordings the classifier once missed', () => {
    const missing = REQUIRED_WORDINGS.filter(
      ([family, wording]) => !corpus.some((row) => row.family === family && text(row.message).includes(wording)),
    ).map(([family, wording]) => `${family}: ${wording}`);
    assert.deepEqual(missing, []);
  });

  it('classifies every message as labelled, except the misses it lists with their reason', () => {
    const score = scoreCorpus(corpus, classifyPullError);
    const unexplained = score.misses
      .filter(({ row, got }) => row.knownMiss?.classifiedAs !== got || row.knownMiss.reason.trim() === '')
      .map(({ row, got }) => `expected ${row.cause}, got ${got}: ${row.message.slice(0, 160)} (${row.source})`);
    assert.deepEqual(unexplained, []);
    const stale = corpus.filter((row) => row.knownMiss && classifyPullError(row.message) === row.cause).map((row) => row.source);
    assert.deepEqual(stale, [], 'a listed miss now classifies right: drop its knownMiss');
  });

  it("reads every admission controller's denial as policy, never as the forbidden its API status says", () => {
    const admission = corpus.filter((row) => row.runtime === 'admission');
    assert.ok(
      admission.some((row) => /forbidden/i.test(row.message)),
      'no admission denial says Forbidden',
    );
    for (const row of admission) assert.equal(classifyPullError(row.message), 'policy', row.message.slice(0, 160));
  });

  it('flags exactly the messages whose wording cannot tell a missing repository from a private one', () => {
    const disagreements = corpus
      .filter((row) => (pullErrorAmbiguity(row.message) !== undefined) !== (row.ambiguous === true))
      .map((row) => `${row.ambiguous ? 'flagged but not detected' : 'detected but not flagged'}: ${row.message.slice(0, 160)}`);
    assert.deepEqual(disagreements, []);
    assert.ok(corpus.filter((row) => row.ambiguous).length >= 20);
  });

  it('has every family and every rule described in docs/classification.md', () => {
    const doc = readFileSync(new URL('../../../docs/classification.md', import.meta.url), 'utf8');
    const families = [...new Set(corpus.map((row) => row.family))];
    assert.deepEqual(
      families.filter((family) => !doc.includes(`\`${family}\``)),
      [],
    );
    assert.deepEqual(
      PULL_ERROR_RULES.filter((rule) => !doc.includes(`\`${rule.id}\``)).map((rule) => rule.id),
      [],
    );
  });

  it('gives every rule at least one real message that it matches', () => {
    const texts = corpus.map((row) => text(row.message));
    const unused = PULL_ERROR_RULES.filter((rule) => !texts.some((t) => rule.matches(t))).map((rule) => rule.id);
    assert.deepEqual(unused, []);
  });
});
