export * from './names.js';
export * from './pull-errors.js';
export * from './pods.js';
export * from './events.js';
export * from './workloads.js';
export * from './accounts.js';
