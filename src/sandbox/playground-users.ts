import { SANDBOX_IDS } from './sandbox-identity.js';

/**
 * The people of the Microsoft 365 Agents Playground that `npm start` runs next to the sandbox (its config file is
 * written from these, see test/support/playground.ts): the current user who types, and the five other users its
 * config schema requires. In sandbox mode the other users are the fix approvers, so that a fix requested in the
 * Playground can be approved by "someone else" (their approval is sent as the invoke Teams would send).
 */
export interface PlaygroundUser {
  id: string;
  name: string;
  /** Spelled as the Playground's config schema spells it. */
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** The Playground's tenant: the sandbox's Entra tenant (a fix request must come from a tenant with a GUID id). */
export const PLAYGROUND_TENANT_ID = SANDBOX_IDS.tenantId;

/** Who types in the Playground: a Pull Doctor on-call engineer. */
export const PLAYGROUND_CURRENT_USER: PlaygroundUser = {
  id: 'user-id-0',
  name: 'Dana Oncall',
  userPrincipleName: 'dana@contoso.example',
  aadObjectId: '00000000-0000-0000-0000-0000000000a0',
  givenName: 'Dana',
  surname: 'Oncall',
  email: 'dana@contoso.example',
};

const colleague = (n: number, givenName: string, surname: string): PlaygroundUser => ({
  id: `user-id-${n}`,
  name: `${givenName} ${surname}`,
  userPrincipleName: `${givenName.toLowerCase()}@contoso.example`,
  aadObjectId: `00000000-0000-0000-0000-00000000002${n}`,
  givenName,
  surname,
  email: `${givenName.toLowerCase()}@contoso.example`,
});

/** The Playground's other users (its schema wants exactly five: they make up the group chat and the team). */
export const PLAYGROUND_OTHER_USERS: readonly PlaygroundUser[] = [
  colleague(1, 'Megan', 'Bowen'),
  colleague(2, 'Adele', 'Vance'),
  colleague(3, 'Isaiah', 'Langer'),
  colleague(4, 'Patti', 'Fernandez'),
  colleague(5, 'Lynne', 'Robbins'),
];

/** An approver named for people (sandbox mode shows who they are). */
export interface NamedApprover {
  objectId: string;
  name: string;
}

/**
 * The fix approvers of sandbox mode: the Playground's configured users other than the current one. Never used
 * outside sandbox mode.
 */
export function sandboxApprovers(currentUser: PlaygroundUser = PLAYGROUND_CURRENT_USER): NamedApprover[] {
  return PLAYGROUND_OTHER_USERS.filter((u) => u.aadObjectId.toLowerCase() !== currentUser.aadObjectId.toLowerCase()).map((u) => ({
    objectId: u.aadObjectId.toLowerCase(),
    name: u.name,
  }));
}
