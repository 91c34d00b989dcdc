export { ERROR_CODES, type ErrorCode } from './codes.js';
export { PullDoctorError, isPullDoctorError } from './pull-doctor-error.js';
export { describeError, type ErrorAdvice } from './describe-error.js';
