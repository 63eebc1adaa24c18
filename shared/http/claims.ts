// Which token claims carry the role and the unit (SPEC §5, §7). Cognito's names are the default;
// the china profile's OpenID Connect issuer may use others (e.g. Keycloak's `groups` and a mapped
// `unit_id`), set on every function as ROLE_CLAIM / UNIT_CLAIM (context roleClaim / unitClaim).
// Top-level claims only: API Gateway's JWT authorizer passes nested objects as text.
import * as z from 'zod';

export const DEFAULT_CLAIMS = { role: 'cognito:groups', unit: 'custom:unitId' } as const;
export type ClaimNames = { role: string; unit: string };

const claimName = z.string().regex(/^[A-Za-z0-9_:.\-/]{1,100}$/);
const envSchema = z.object({
  ROLE_CLAIM: claimName.optional(),
  UNIT_CLAIM: claimName.optional(),
});

export function claimNames(env: NodeJS.ProcessEnv = process.env): ClaimNames {
  const r = envSchema.safeParse(env);
  if (!r.success) throw new Error('invalid configuration: ROLE_CLAIM / UNIT_CLAIM');
  return { role: r.data.ROLE_CLAIM ?? DEFAULT_CLAIMS.role, unit: r.data.UNIT_CLAIM ?? DEFAULT_CLAIMS.unit };
}

/** The claim's groups: an array, or HTTP APIs' flattened "[office unit]"; Keycloak's "/office" paths count as "office". */
export function groupsOf(raw: unknown): string[] {
  const list = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return list.map((g) => g.replace(/^\//, ''));
}

/** The username a token carries, if any (Cognito ID token, then OIDC's standard claim). */
export function usernameOf(claims: Record<string, unknown>): string | undefined {
  for (const k of ['cognito:username', 'preferred_username']) {
    const v = claims[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}
