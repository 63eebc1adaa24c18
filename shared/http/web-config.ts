// What the web pages read from `/config.json` (SPEC §6 "In the browser"): where the API is and
// how to sign in. The local runtime serves it with mode `local` (the /dev/token picker); on AWS
// the stack writes it beside the pages with mode `oidc` (authorization code + PKCE). One build of
// the pages serves both; they read this shape through `WebConfig` only (types, not code).
import * as z from 'zod';

export const webConfigSchema = z.strictObject({
  /** The API's base URL without a trailing slash; '' means the pages' own origin. */
  apiBase: z.string(),
  auth: z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('local') }),
    z.strictObject({
      mode: z.literal('oidc'),
      /** The OIDC issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<poolId>). */
      authority: z.url(),
      clientId: z.string().min(1),
      /** Default `openid email profile`. */
      scope: z.string().optional(),
      /** Where the pages send the browser to end the session at the issuer (Cognito's /logout
       *  with client_id and logout_uri); without it sign-out only forgets the tokens. */
      signOutUrl: z.url().optional(),
    }),
  ]),
});
export type WebConfig = z.infer<typeof webConfigSchema>;
