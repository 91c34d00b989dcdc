/**
 * Files and npm scripts the deployment refers to that other branches are adding, with the branch. The tests accept
 * them as missing; once merged they exist and the tests ask for their entry to be removed, so that from then on a
 * missing file is an error again.
 */
export const PENDING_FILES: Readonly<Record<string, string>> = {};

export const PENDING_NPM_SCRIPTS: Readonly<Record<string, string>> = {};
