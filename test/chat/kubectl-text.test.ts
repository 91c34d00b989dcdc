import assert from 'node:assert/strict';
import { tokenize } from '../../src/chat/command-tail.js';
import { isFailingRow, isKubectlLine, readKubectlLine, readPodRows } from '../../src/chat/kubectl-text.js';

const line = (text: string) => readKubectlLine(tokenize(text));

describe('kubectl command lines', () => {
  it('recognises kubectl, its usual aliases and a shell prompt, but not a sentence that starts with k', () => {
    for (const text of ['kubectl get pods', '$ kubectl get pods', 'k get po', 'oc describe pod web-1', 'kubecolor logs web-1']) {
      assert.equal(isKubectlLine(tokenize(text)), true, text);
    }
    for (const text of ['k', 'k thanks', 'kube get pods', 'why is web-1 failing']) assert.equal(isKubectlLine(tokenize(text)), false, text);
  });

  it('finds the pod of describe, get, logs, exec, top and events, wherever the flags are', () => {
    const expected = { allNamespaces: false, name: 'web-1', namespace: 'shop' };
    for (const text of [
      'kubectl describe pod web-1 -n shop',
      'kubectl -n shop get pods web-1 -o wide',
      'kubectl get po/web-1 --namespace=shop -o jsonpath={.status}',
      'kubectl logs web-1 -n shop -c app --tail=50 --previous',
      'kubectl logs -f web-1 -n shop',
      'kubectl exec -it web-1 -n shop -- sh -c "ls -n /"',
      'kubectl top pod web-1 -n shop',
      'kubectl events --for pod/web-1 -n shop',
    ]) {
      assert.deepEqual(line(text), expected, text);
    }
  });

  it("takes a workload's name from TYPE/NAME and TYPE NAME, and rollout's own verb", () => {
    assert.deepEqual(line('kubectl rollout status deployment/checkout -n shop'), {
      allNamespaces: false,
      name: 'checkout',
      namespace: 'shop',
    });
    assert.deepEqual(line('kubectl get sts db --context prod'), { allNamespaces: false, name: 'db', cluster: 'prod' });
    assert.deepEqual(line('kubectl logs job/migrate'), { allNamespaces: false, name: 'migrate' });
  });

  it('reads a listing without a name, every namespace with -A, and says which resources are not pods', () => {
    assert.deepEqual(line('kubectl get pods -n shop'), { allNamespaces: false, namespace: 'shop' });
    assert.deepEqual(line('kubectl get pods --all-namespaces'), { allNamespaces: true });
    assert.deepEqual(line('kubectl get events -A --sort-by=.lastTimestamp'), { allNamespaces: true });
    assert.equal(line('kubectl describe node aks-nodepool1-1').otherResource, 'node');
    assert.equal(line('kubectl get svc web').otherResource, 'svc');
  });
});

describe('pasted kubectl get pods rows', () => {
  it('reads NAME READY STATUS RESTARTS AGE rows, with the namespace column of -A', () => {
    const rows = readPodRows(
      tokenize(
        'NAMESPACE NAME READY STATUS RESTARTS AGE\nshop web-1 0/1 ImagePullBackOff 0 5m\nshop db-0 1/1 Running 3 (2d ago) 9d\nops job-x 0/1 Completed 0 1h',
      ),
    );
    assert.deepEqual(
      rows.map((r) => [r.namespace, r.pod, r.status, isFailingRow(r)]),
      [
        ['shop', 'web-1', 'ImagePullBackOff', true],
        ['shop', 'db-0', 'Running', false],
        ['ops', 'job-x', 'Completed', false],
      ],
    );
  });

  it('calls a running pod with unready containers failing, and init and terminating states what they are', () => {
    const rows = readPodRows(
      tokenize('a-1 1/2 Running 0 1m b-1 0/1 Init:0/1 0 1m c-1 0/1 Terminating 0 1m d-1 0/1 Init:ErrImagePull 0 1m'),
    );
    assert.deepEqual(
      rows.map((r) => [r.pod, isFailingRow(r)]),
      [
        ['a-1', true],
        ['b-1', true],
        ['c-1', false],
        ['d-1', true],
      ],
    );
  });

  it('finds no rows in prose that mentions a ratio', () => {
    assert.deepEqual(readPodRows(tokenize('web-1 is 0/1 ready since the deploy')), []);
  });
});
