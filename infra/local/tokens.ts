// Local stand-in for the Cognito JWT authorizer: HS256 tokens with the same claims Cognito
// puts in an ID token (`cognito:groups`, `custom:unitId`, `cognito:username` — or the claim names
// ROLE_CLAIM / UNIT_CLAIM configure), verified before a handler runs.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { claimNames } from '../../shared/http/claims';

const ISSUER = 'baosong-local';
const AUDIENCE = 'baosong';

export class LocalTokens {
  private constructor(private readonly key: Uint8Array) {}

  /** The signing key is kept beside the data, so tokens survive a restart. */
  static fromFile(path: string | undefined): LocalTokens {
    if (!path) return new LocalTokens(randomBytes(32));
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600 });
    }
    return new LocalTokens(Buffer.from(readFileSync(path, 'utf8'), 'base64'));
  }

  async issue(input: {
    role: 'office' | 'unit';
    unitId?: string;
    /** A user of the local directory: the token names it, as Cognito's ID token does. */
    username?: string;
    expiresIn?: string | number;
  }): Promise<string> {
    const names = claimNames();
    const claims: Record<string, unknown> = { [names.role]: [input.role], token_use: 'id' };
    if (input.unitId) claims[names.unit] = input.unitId;
    if (input.username) claims['cognito:username'] = input.username;
    const sub = input.username ?? (input.role === 'office' ? 'office-local' : `unit-${input.unitId}`);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(input.expiresIn ?? '12h')
      .sign(this.key);
  }

  /** The verified claims, or null for a tampered, expired or foreign token. */
  async verify(token: string): Promise<Record<string, unknown> | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      return payload as Record<string, unknown>;
    } catch {
      return null;
    }
  }
}
