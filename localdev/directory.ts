/**
 * The sample organisation behind the local services: one Entra tenant and its people, and which
 * of them IAM Identity Center knows (matched by e-mail, as the trusted token issuer's default
 * claim mapping `email` → `emails.value` does). Shared with the playground's configuration file.
 */

// The identifiers the F5 setup hands the bot (deploy/aws/localServices.ts owns them).
export { LOCAL_AAD_CLIENT_ID, LOCAL_IDC_APPLICATION_ARN, LOCAL_Q_USER_ROLE_ARN, LOCAL_TENANT_ID } from '../deploy/aws/localServices';

/**
 * The bots' own long-term keys the local STS and Identity Center accept (the playground's, the
 * tests'): throwaway values, known here so their signatures can be checked like AWS checks them.
 */
export const LOCAL_BOT_CREDENTIALS: Record<string, string> = {
  AKIALOCALPLAYGROUND1: 'local-playground-not-a-secret',
  AKIALOCALTESTBOT0001: 'local-test-secret-not-real',
};

export interface DirectoryUser {
  /** Entra object id (`oid`), what Teams puts in `from.aadObjectId`. */
  aadObjectId: string;
  name: string;
  email: string;
  /** The IAM Identity Center user id; absent for people not synchronised to Identity Center. */
  idcUserId?: string;
}

/** The sample people (the playground's users); Linus Pauling is deliberately not in Identity Center. */
export const SAMPLE_PEOPLE: readonly DirectoryUser[] = [
  { aadObjectId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'Ada Lovelace', email: 'ada@example.com', idcUserId: '94682498-0001-7061-0000-00000000ada0' },
  { aadObjectId: '8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e', name: 'Grace Hopper', email: 'grace@example.com', idcUserId: '94682498-0001-7061-0000-0000000006ace' },
  { aadObjectId: '9c3d4e5f-6a7b-4c8d-8e9f-1a2b3c4d5e6f', name: 'Alan Turing', email: 'alan@example.com', idcUserId: '94682498-0001-7061-0000-0000000a1a40' },
  { aadObjectId: 'ad4e5f6a-7b8c-4d9e-9f0a-2b3c4d5e6f7a', name: 'Katherine Johnson', email: 'katherine@example.com', idcUserId: '94682498-0001-7061-0000-00000000ca70' },
  { aadObjectId: 'be5f6a7b-8c9d-4e0f-8a1b-3c4d5e6f7a8b', name: 'Margaret Hamilton', email: 'margaret@example.com', idcUserId: '94682498-0001-7061-0000-0000000a4a40' },
  // In Entra but never synchronised to Identity Center: the most common setup failure.
  { aadObjectId: 'cf6a7b8c-9d0e-4f1a-9b2c-4d5e6f7a8b9c', name: 'Linus Pauling', email: 'linus@example.com' },
];

/** Numbered people for load and concurrency tests: load-user-01 … load-user-80. */
const LOAD_USERS: DirectoryUser[] = Array.from({ length: 80 }, (_, index) => {
  const number = String(index + 1).padStart(2, '0');
  return {
    aadObjectId: `10ad0000-0000-4000-8000-0000000000${number}`,
    name: `Load User ${number}`,
    email: `load-user-${number}@example.com`,
    idcUserId: `94682498-0001-7061-1000-0000000000${number}`,
  };
});

export const DIRECTORY: readonly DirectoryUser[] = [...SAMPLE_PEOPLE, ...LOAD_USERS];

export function userByObjectId(aadObjectId: string): DirectoryUser | undefined {
  return DIRECTORY.find((user) => user.aadObjectId === aadObjectId);
}
