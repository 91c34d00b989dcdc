export { startFakeGraph, type FakeGraph, type FakeGraphRequestRecord, type StartFakeGraphOptions } from './fake-graph.js';
export { graphError, graphErrors, type GraphErrorBody } from './graph-errors.js';
export { sandboxGraphCredential, GRAPH_MEMBERSHIP_ROLES, GRAPH_AUDIENCE, type SandboxGraphCredentialOptions } from './graph-token.js';
