/**
 * What Alertmanager 0.28 POSTs for kube-prometheus' KubePodNotReady about pods (webhook payload version 4:
 * prometheus/alertmanager notify/webhook/webhook.go).
 */
export function alertmanagerPayload(
  alerts: Array<{ namespace: string; pod: string; status?: 'firing' | 'resolved'; cluster?: string }>,
): string {
  return JSON.stringify({
    receiver: 'pull-doctor',
    status: alerts.some((a) => (a.status ?? 'firing') === 'firing') ? 'firing' : 'resolved',
    alerts: alerts.map((a, i) => ({
      status: a.status ?? 'firing',
      labels: {
        alertname: 'KubePodNotReady',
        namespace: a.namespace,
        pod: a.pod,
        severity: 'warning',
        ...(a.cluster ? { cluster: a.cluster } : {}),
      },
      annotations: {
        description: `Pod ${a.namespace}/${a.pod} has been in a non-ready state for longer than 15 minutes.`,
        runbook_url: 'https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodnotready',
        summary: 'Pod has been in a non-ready state for more than 15 minutes.',
      },
      startsAt: '2026-03-02T08:44:30.123Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus-k8s-0:9090/graph?g0.expr=sum+by+%28namespace%2C+pod%29',
      fingerprint: `7e1c3f0a9b2d4e5${i}`,
    })),
    groupLabels: { alertname: 'KubePodNotReady' },
    commonLabels: { alertname: 'KubePodNotReady', severity: 'warning' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager-main-0:9093',
    version: '4',
    groupKey: '{}/{severity="warning"}:{alertname="KubePodNotReady"}',
    truncatedAlerts: 0,
  });
}
