// Lambda wiring: the user directory (imported by the api function only). The global profile
// administers the Cognito pool (USER_POOL_ID); the china profile, whose users live in the
// government's identity provider (OIDC_ISSUER), lists the mapping it has seen and changes nothing.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CognitoUserDirectory } from '../cognito-users';
import { provide } from '../container';
import { KnownUserDirectory } from '../dynamo/users';

provide('users', (cfg) =>
  cfg.USER_POOL_ID
    ? new CognitoUserDirectory(new CognitoIdentityProviderClient({}), cfg.USER_POOL_ID)
    : new KnownUserDirectory(
        new DynamoDBClient({}),
        cfg.TABLE_NAME,
        cfg.OIDC_ISSUER ?? 'the identity provider',
      ),
);
