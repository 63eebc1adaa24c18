// The compact holiday table the functions bundle is exactly the chinese-days package's data.
import { readFileSync } from 'node:fs';
import data from 'chinese-days/dist/chinese-days.json';
import { describe, expect, it } from 'vitest';
import { render } from '../../../scripts/holiday-data';
import { makeCalendar, packageYears } from '../../../shared/domain/calendar';

const pkg = data as unknown as { holidays: Record<string, string>; workdays: Record<string, string> };

describe('shared/domain/holiday-data.ts', () => {
  it('is what scripts/holiday-data.ts makes of the installed package (rerun it after an update)', () => {
    const file = readFileSync(new URL('../../../shared/domain/holiday-data.ts', import.meta.url), 'utf8');
    expect(file).toBe(render());
  });

  it('the calendar built from it lists every date of the package, and no other', () => {
    const cal = makeCalendar();
    const holidays = packageYears().flatMap((y) => cal.year(y).holidays);
    const workdays = packageYears().flatMap((y) => cal.year(y).workdays);
    expect(holidays.sort()).toEqual(Object.keys(pkg.holidays).sort());
    expect(workdays.sort()).toEqual(Object.keys(pkg.workdays).sort());
  });
});
