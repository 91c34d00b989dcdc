export { createGraphClient, type GraphClient, type GraphClientOptions } from './graph-client.js';
