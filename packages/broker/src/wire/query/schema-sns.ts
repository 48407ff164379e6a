import type { ServiceSchema } from './schema.js';

/** SNS, API version 2010-03-31, as the Query protocol carries it. */
export const snsSchema: ServiceSchema = {
  xmlns: 'http://sns.amazonaws.com/doc/2010-03-31/',
  actions: {},
};
