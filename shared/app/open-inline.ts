// Opening slots in the caller, without the fan-out: where no SlotOpener is wired (tests that
// inject their dependencies, the bench). Never on Lambda (shared/app/slot-opening.ts).
import { loadCalendar } from './calendar';
import { openSlots } from './open-slots';
import type { Store } from './ports';

export async function openInline(store: Store, input: Parameters<typeof openSlots>[2]): Promise<number> {
  const cal = await loadCalendar(store, [input.year]);
  return openSlots(store, cal, input);
}
