/**
 * The identifiers of the local AWS-compatible services (localdev/) that F5 without AWS writes into
 * the bot's settings. Owned here, by the setup that hands them to the bot; the local services
 * answer to the same values (they import them from here), so a production tool never needs
 * localdev/.
 */

export const LOCAL_SERVICES_URL = 'http://127.0.0.1:8088';
export const LOCAL_APPLICATION_ID = '2a9e7c1d-5b34-4f6e-8d21-0c7f3b9a6e45';
export const LOCAL_TENANT_ID = '5f1d3c2b-8a7e-4b6c-9d0e-1f2a3b4c5d6e';
/** The SSO Entra app (AAD_APP_CLIENT_ID) whose tokens the local trusted token issuer accepts. */
export const LOCAL_AAD_CLIENT_ID = '0c5a7e3b-1d2f-4a6b-9c8d-7e6f5a4b3c2d';
export const LOCAL_IDC_APPLICATION_ARN = 'arn:aws:sso::111122223333:application/ssoins-7223a1b2c3d4e5f6/apl-0a1b2c3d4e5f6a7b';
export const LOCAL_Q_USER_ROLE_ARN = 'arn:aws:iam::111122223333:role/QBusinessTeamsUserRole';
/** Ada Lovelace of the local directory: who everyone is signed in as against the local services. */
export const LOCAL_SAMPLE_PERSON = '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
