// Shapes a stored message for the seat console: export time format plus the epoch twin.
import type { messages } from '../db/schema.js';
import type { PushedMessage } from '../realtime/events.js';
import { formatJavaDate } from '../time.js';

type MessageRow = typeof messages.$inferSelect;

export function toPushedMessage(row: MessageRow, tzName: string): PushedMessage {
  return {
    msgId: String(row.id),
    contentType: row.contentType,
    content: row.content,
    sendTime: formatJavaDate(row.sendTime, tzName),
    sendTimeMs: row.sendTime,
    sender: row.sender === 1 ? 1 : 0,
    contReadState: row.readState === 1 ? '1' : '0',
    status: row.status,
    thumb: row.thumb,
  };
}
