// Bundled in place of @aws-sdk/credential-provider-node (the stack's esbuild `--alias`).
// On Lambda the function role's credentials are always in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), which is also the first place the SDK's default
// chain looks; the rest of that chain (SSO, INI files, web identity, IMDS, the STS/SSO clients
// it carries) is ≈ 90 KB of bundle a function never runs.
type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export const defaultProvider = () => async (): Promise<Credentials> => {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('AWS credentials are not in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)');
  }
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
};
