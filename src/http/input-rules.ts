// Input rules shared by several features, each answering 400 with the field named.
import { badRequest } from './errors.js';

// C0 controls, DEL and C1 controls: never part of a search, and NUL breaks SQLite's FTS parser.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Refuses text with control characters (NUL, newlines, escapes…), naming the field. */
export function rejectControlCharacters(field: string, value: string): void {
  if (CONTROL_CHARACTERS.test(value)) throw badRequest(field, 'must not contain control characters');
}

/** Earliest plausible message time: WhatsApp and Telegram did not exist before 2009. */
export const EARLIEST_SEND_TIME = Date.UTC(2009, 0, 1);
/** How far ahead of the hub's clock a sender's clock may run. */
export const MAX_SEND_TIME_AHEAD_MS = 24 * 3_600_000;

/** Refuses a message time outside [2009, now + 1 day], so a bad clock cannot pin a target above all others. */
export function checkSendTime(field: string, sendTime: number, now: number): void {
  if (sendTime < EARLIEST_SEND_TIME) throw badRequest(field, 'must not be before 2009-01-01');
  if (sendTime > now + MAX_SEND_TIME_AHEAD_MS) throw badRequest(field, 'must not be more than 1 day ahead of the hub clock');
}
