import { describeCause } from '../diagnosis/classify/cause-advice.js';
import type { CheckStatus, Diagnosis, Finding, PodEventSummary } from '../diagnosis/types.js';
import type { GonePodStory } from '../diagnosis/events.js';
import { formatUtc } from '../diagnosis/format-utc.js';
import { ROLE_IDS } from '../diagnosis/roles/rbac.js';
import { isAzureContainerRegistry } from '../diagnosis/image/image-reference.js';

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-', error: '?' };

const VERDICT: Record<Diagnosis['verdict'], string> = {
  healthy: 'HEALTHY',
  problem: 'FAILING',
  unknown: 'UNCLEAR',
};

function roleName(roleDefinitionId: string): string {
  const guid = roleDefinitionId.split('/').pop()?.toLowerCase();
  if (guid === ROLE_IDS.acrPull) return 'AcrPull';
  if (guid === ROLE_IDS.containerRegistryRepositoryReader) return 'Container Registry Repository Reader';
  return guid ?? roleDefinitionId;
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => `${prefix}${l}`)
    .join('\n');
}

/**
 * The terminal report, in the order an on-call engineer reads it: healthy or not, the cause, the evidence
 * (pod status, events, checks passed and failed), and what to do, with the exact fix when there is one.
 */
export function renderTextReport(d: Diagnosis): string {
  // The first line is the root cause in this pod's terms, the same as the Teams card's title.
  const lines: string[] = [d.headline];
  lines.push(`Pod ${d.namespace}/${d.pod}${d.cluster ? ` on ${d.cluster}` : ''}: ${VERDICT[d.verdict]}`);
  if (d.cause) {
    // The same registry-aware words as the pull-error check, so the two never disagree (ACR vs Docker Hub).
    const host = d.evidence.registryHost;
    const c = describeCause(d.cause, host ? { registry: isAzureContainerRegistry(host) ? 'acr' : 'other' } : {});
    lines.push(`Cause: ${c.title} (${d.cause})`);
    lines.push(indent(c.explanation, '  '));
  } else if (d.verdict === 'problem' && d.problems[0]) {
    // The message may run over several lines ("Last run: …" then the kubelet's back-off message): indent the rest.
    const [first, ...rest] = (d.problems[0].message ?? '').split('\n');
    lines.push(`Cause: ${d.problems[0].reason}${first ? ` — ${first}` : ''}`);
    if (rest.length > 0) lines.push(indent(rest.join('\n'), '  '));
  }
  const evidence: string[] = [];
  if (d.evidence.image) evidence.push(`  image:     ${d.evidence.image}`);
  if (d.evidence.registryResourceId) evidence.push(`  registry:  ${d.evidence.registryResourceId}`);
  if (d.evidence.kubeletIdentity) evidence.push(`  kubelet identity (object id): ${d.evidence.kubeletIdentity.principalId}`);
  if (d.evidence.keyEvent)
    evidence.push(`  key event: ${d.evidence.keyEvent.reason} (x${d.evidence.keyEvent.count}): ${d.evidence.keyEvent.message}`);
  if (evidence.length > 0) {
    lines.push('');
    lines.push('Evidence');
    lines.push(...evidence);
  }
  lines.push('');
  lines.push('Checks');
  for (const f of d.findings) {
    lines.push(`  ${MARK[f.status]} ${f.check.padEnd(18)} ${f.summary}`);
    if (f.detail && f.status !== 'pass') lines.push(indent(f.detail, ' '.repeat(23)));
  }
  // The failed checks that pinpoint the cause (the missing role, tag or secret, with the exact command) come first;
  // then the cause's general advice (pull-error), as on the Teams card; then the warnings.
  const rank = (f: Finding) => (f.status === 'warn' ? 2 : f.check === 'pull-error' ? 1 : 0);
  const todo = d.findings
    .filter((f) => (f.remediation || f.commands) && (f.status === 'fail' || f.status === 'error' || f.status === 'warn'))
    .sort((a, b) => rank(a) - rank(b));
  if (todo.length > 0 || d.fix) {
    lines.push('');
    lines.push('What to do');
    const seen = new Set<string>();
    let n = 1;
    for (const f of todo) {
      // The same advice (and its commands) from two checks is listed once; each command on its own line, to copy.
      const commands = f.commands ?? [];
      const key = [f.remediation, ...commands].join('\n');
      if (seen.has(key)) continue;
      seen.add(key);
      lines.push(indent(`${n++}. ${f.remediation ?? 'Run:'}`, '  '));
      for (const c of commands) lines.push(`       ${c}`);
    }
  }
  if (d.fix) {
    lines.push('');
    lines.push('Proposed fix (the Teams bot can apply it after an approver approves):');
    lines.push(`  assign role ${roleName(d.fix.roleDefinitionId)} (${d.fix.roleDefinitionId})`);
    lines.push(`  to principal ${d.fix.principalId} (the kubelet identity, principal type ServicePrincipal)`);
    lines.push(`  on scope     ${d.fix.scope}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Control characters (terminal escape sequences included) never reach the terminal. */
export const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

function eventLine(e: PodEventSummary): string {
  return printable(`${e.lastSeen ? formatUtc(e.lastSeen, e.lastSeen) : '?'}  ${e.type} ${e.reason} (x${e.count}): ${e.message}`);
}

/**
 * A pod that no longer exists, told by its remaining events as `kubectl describe` would: GONE, since when, what its
 * events said, then the events themselves (printed on stdout; the not-found error follows on stderr).
 */
export function renderGoneText(g: GonePodStory): string {
  const lines: string[] = [];
  const since = g.stoppedAt ? `stopped ${formatUtc(g.stoppedAt)}` : g.lastSeen ? `last seen ${formatUtc(g.lastSeen)}` : 'when is unknown';
  lines.push(`Pod ${g.namespace}/${g.pod}: GONE (it no longer exists; ${since})`);
  lines.push(printable(`Its events said: ${g.said}.`));
  if (g.cause) {
    const c = describeCause(g.cause, g.image ? { registry: isAzureContainerRegistry(g.image.split('/')[0] ?? '') ? 'acr' : 'other' } : {});
    lines.push(indent(c.explanation, '  '));
  }
  lines.push('');
  lines.push('Events (newest first)');
  for (const e of g.events) lines.push(`  ${eventLine(e)}`);
  return `${lines.join('\n')}\n`;
}
