export * from './apply.js';
export * from './consumers.js';
export * from './errors.js';
export * from './format.js';
export * from './load.js';
export { planTopology } from './plan.js';
export * from './types.js';
export { defineTopology, validateTopology } from './validate.js';
