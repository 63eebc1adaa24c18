// The people who sign in (SPEC §5 users): office staff, or a unit's liaison bound to its unitId.
// Pure: schemas and the Chinese invitation text, no I/O.
import * as z from 'zod';
import { emailSchema, unitIdSchema } from './model';
import { OFFICE_NAME } from './messages';

/**
 * A username: lowercase letters, digits and . _ - (3–64), starting with a letter or digit. Never an
 * email address: the email is a separate attribute (an alias to sign in with), and usernames appear
 * in the audit trail, which holds no email addresses.
 */
export const usernameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._-]{2,63}$/,
    'username must be 3–64 lowercase letters, digits, . _ - (not an email address)',
  );

export const userRoles = ['office', 'unit'] as const;
export type UserRole = (typeof userRoles)[number];

/** POST /v1/users: a unit user names its unit; an office user names none. */
export const newUserSchema = z
  .strictObject({
    username: usernameSchema,
    email: emailSchema,
    role: z.enum(userRoles),
    unitId: unitIdSchema.optional(),
  })
  .superRefine((u, ctx) => {
    if (u.role === 'unit' && !u.unitId)
      ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'a unit user needs unitId' });
    if (u.role === 'office' && u.unitId)
      ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'an office user has no unitId' });
  });
export type NewUser = z.infer<typeof newUserSchema>;

/**
 * How a user reads (SPEC §5). `status` is the account's sign-in state as the identity provider says
 * it: Cognito's UserStatus (FORCE_CHANGE_PASSWORD until the first sign-in, then CONFIRMED …);
 * `EXTERNAL_PROVIDER` for a person known from a government identity provider's token (china profile).
 */
export const userAccountSchema = z.object({
  username: z.string(),
  email: z.string(),
  role: z.enum(userRoles),
  unitId: z.string().optional(),
  enabled: z.boolean(),
  status: z.string(),
});
export type UserAccount = z.infer<typeof userAccountSchema>;

/**
 * The invitation email (Chinese). `password` is the temporary password; on AWS the Cognito pool's
 * invitation template is built from this very function with Cognito's placeholders
 * (`{username}`, `{####}`), so both runtimes send the same words.
 */
export function invitationMessage(input: { username: string; password: string; signInUrl?: string }) {
  const where = input.signInUrl ? `请访问 ${input.signInUrl} ` : '请登录报送系统';
  return {
    subject: '【报送系统】账号开通通知',
    text: [
      '您好：',
      '',
      '区政府法制办公室已为您开通依法行政报送系统账号。',
      `用户名：${input.username}`,
      `临时密码：${input.password}`,
      '',
      `${where}，首次登录时请修改密码。临时密码3日内有效，逾期请联系区政府法制办公室重新开通。`,
      '如非本人申请，请忽略本邮件。',
      '',
      OFFICE_NAME,
    ].join('\n'),
  };
}
