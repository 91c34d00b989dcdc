import assert from 'node:assert/strict';
import { PullDoctorError } from '../../src/errors/index.js';
import { classifyWriteFailure, DEFAULT_WRITE_RETRY, retryDelayMs } from '../../src/fixes/write-retry.js';

describe('classifying what the role assignment writer throws', () => {
  it('counts a thrown 409 RoleAssignmentExists as the assignment existing', () => {
    const error = new PullDoctorError('AZURE_API_ERROR', 'The role assignment already exists.', { facts: { status: 409, armCode: 'RoleAssignmentExists' } });
    assert.deepEqual(classifyWriteFailure(error), { kind: 'exists' });
  });

  it('does not count another 409 as success', () => {
    const error = new PullDoctorError('AZURE_API_ERROR', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.', {
      facts: { status: 409, armCode: 'RoleAssignmentUpdateNotPermitted' },
    });
    assert.equal(classifyWriteFailure(error).kind, 'fatal');
  });

  it('reads the missing action from facts.action, as the Azure client names it', () => {
    const error = new PullDoctorError('AZURE_FORBIDDEN', 'no', { facts: { status: 403, armCode: 'AuthorizationFailed', action: 'Microsoft.Authorization/roleAssignments/write' } });
    const failure = classifyWriteFailure(error);
    assert.equal(failure.kind === 'forbidden' && failure.missingAction, 'Microsoft.Authorization/roleAssignments/write');
    const unnamed = classifyWriteFailure(new PullDoctorError('AZURE_FORBIDDEN', 'no', { facts: { status: 403, armCode: 'AuthorizationFailed' } }));
    assert.deepEqual(unnamed.kind === 'forbidden' && unnamed.missingAction, undefined);
  });

  it('reads Retry-After from facts.retryAfterSeconds, and treats 5xx and no answer as transient', () => {
    const retryAfter = (facts: Record<string, number>) => {
      const failure = classifyWriteFailure(new PullDoctorError('AZURE_THROTTLED', 'slow down', { facts: { status: 429, ...facts } }));
      return failure.kind === 'transient' ? failure.retryAfterMs : 'not transient';
    };
    assert.equal(retryAfter({ retryAfterSeconds: 5 }), 5_000);
    assert.equal(retryAfter({ retryAfterSeconds: 0 }), 0);
    assert.equal(retryAfter({}), undefined);
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'boom', { facts: { status: 502 } })).kind, 'transient');
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'unreachable')).kind, 'transient');
    assert.equal(classifyWriteFailure(new PullDoctorError('AZURE_API_ERROR', 'bad request', { facts: { status: 400 } })).kind, 'fatal');
  });

  it('treats unauthorized, not found, missing credentials and unknown errors as final', () => {
    for (const code of ['AZURE_UNAUTHORIZED', 'AZURE_NOT_FOUND', 'AZURE_CREDENTIAL_UNAVAILABLE', 'INVALID_INPUT'] as const) {
      assert.equal(classifyWriteFailure(new PullDoctorError(code, 'x')).kind, 'fatal', code);
    }
    assert.equal(classifyWriteFailure(new TypeError('undefined is not a function')).kind, 'fatal');
  });
});

describe('retry delays', () => {
  it('doubles from the base, stops at the maximum, and gives up after the last attempt', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, {}, { ...DEFAULT_WRITE_RETRY, attempts: 5, baseDelayMs: 2_000, maxDelayMs: 10_000 }));
    assert.deepEqual(delays, [2_000, 4_000, 8_000, 10_000, undefined]);
  });

  it('waits exactly Retry-After, and gives up when it is longer than allowed', () => {
    assert.equal(retryDelayMs(1, { retryAfterMs: 45_000 }, DEFAULT_WRITE_RETRY), 45_000);
    assert.equal(retryDelayMs(1, { retryAfterMs: 0 }, DEFAULT_WRITE_RETRY), 0);
    assert.equal(retryDelayMs(1, { retryAfterMs: 61_000 }, DEFAULT_WRITE_RETRY), undefined);
  });
});
