// SMS quiet hours (SPEC §4.3): text messages go out between 08:00 and 20:00 Asia/Shanghai only.
import { addDays, shanghaiDate, shanghaiHour, startOfDay } from './dates';

export const SMS_FROM_HOUR = 8;
export const SMS_UNTIL_HOUR = 20;

/** null when an SMS may go now, else the next 08:00 Asia/Shanghai. */
export function smsHeldUntil(now: Date): Date | null {
  const h = shanghaiHour(now);
  if (h >= SMS_FROM_HOUR && h < SMS_UNTIL_HOUR) return null;
  const today = shanghaiDate(now);
  const day = h < SMS_FROM_HOUR ? today : addDays(today, 1);
  return new Date(startOfDay(day).getTime() + SMS_FROM_HOUR * 3600_000);
}
