export { classifyPullError } from './classify-pull-error.js';
export { pullErrorAmbiguity } from './pull-error-ambiguity.js';
export { extractPullErrorFacts, type PullErrorFacts } from './pull-error-facts.js';
export { describeCause, type CauseAdvice } from './cause-advice.js';
export { MAX_MESSAGE_CHARS } from './bounded-message.js';
export { PULL_ERROR_RULES, type PullErrorRule } from './pull-error-rules.js';
