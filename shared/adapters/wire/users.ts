// Lambda wiring: the user directory (the api function's only). The global profile
// administers the Cognito pool (USER_POOL_ID); the china profile, whose users live in the
// government's identity provider (OIDC_ISSUER), lists the mapping it has seen and changes nothing.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CognitoUserDirectory } from '../cognito-users';
import type { UserDirectory } from '../../app/ports';
import type { Config } from '../config';
import { KnownUserDirectory } from '../dynamo/users';

export const userDirectory = (cfg: Config): UserDirectory =>
  cfg.USER_POOL_ID
    ? new CognitoUserDirectory(new CognitoIdentityProviderClient({}), cfg.USER_POOL_ID)
    : new KnownUserDirectory(
        new DynamoDBClient({}),
        cfg.TABLE_NAME,
        cfg.OIDC_ISSUER ?? 'the identity provider',
      );
