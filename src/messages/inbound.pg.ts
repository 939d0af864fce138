// The inbound path on PostgreSQL: a batch is one call of hub_store_inbound (the function made by
// drizzle/pg/0002_inbound_batch.sql), one statement and one commit for the whole batch, where
// storing each message through the query builder took a dozen round trips. The function stores
// the rows inbound.sqlite.ts stores; this side computes what depends on the hub's time zone (the
// day and hour a message counts on) and builds the answers.
import { dbFailure, type PgStore } from '../db/store.js';
import { hubError, notFound } from '../http/errors.js';
import { dayAndHourOf } from '../time.js';
import type { ConvType } from '../db/schema.js';
import { storedMessageRow } from './inbound.shape.js';
import type { BatchItem, BatchOutcome, InboundStore } from './inbound.types.js';

// Two batches that touch the same seats (or conversations) in opposite orders can deadlock;
// PostgreSQL aborts one, which is then run again whole (nothing of it was committed).
const DEADLOCK_ATTEMPTS = 3;

interface Row {
  r_outcome: 'stored' | 'duplicate' | 'no_account' | 'disabled';
  r_message_id: number | null;
  r_target_id: number | null;
  r_target_name: string | null;
  r_target_conv_type: ConvType | null;
  r_cursor: number | null;
  r_seq: number | null;
  r_account_id: number | null;
  r_seat_id: number | null;
  r_branch_id: number | null;
  r_new_fan: boolean;
}

// Named: each pooled connection parses and plans the call once.
const CALL = { name: 'hub_store_inbound', text: 'SELECT * FROM hub_store_inbound($1::jsonb)' };

function argumentOf(items: BatchItem[]): string {
  return JSON.stringify(
    items.map(({ input, options }) => {
      const { day, hour } = dayAndHourOf(input.sendTime, options.tzName);
      return {
        phone: input.phone,
        msgId: input.msgId,
        inbound: input.direction === 'in',
        uid: input.from.id,
        name: input.from.name ?? null,
        convType: input.from.convType ?? null,
        contentType: input.contentType,
        content: input.content,
        thumb: input.thumb ?? null,
        mediaRef: input.mediaRef ?? null,
        sendTime: input.sendTime,
        webhookId: options.webhookId ?? null,
        now: options.now,
        day,
        hour,
      };
    }),
  );
}

function outcomeOf(row: Row, { input, options }: BatchItem): BatchOutcome {
  switch (row.r_outcome) {
    case 'no_account':
      return { error: notFound('phone') };
    case 'disabled':
      return { error: hubError('bridge_account_disabled', 'account disabled') };
    case 'duplicate':
      return { ok: { duplicate: true, messageId: row.r_message_id, targetId: row.r_target_id } };
    case 'stored': {
      const messageId = row.r_message_id!;
      const cursor = row.r_cursor!;
      const accountId = row.r_account_id!;
      const target = { id: row.r_target_id!, name: row.r_target_name!, convType: row.r_target_conv_type! };
      const { day } = dayAndHourOf(input.sendTime, options.tzName);
      return {
        ok: {
          duplicate: false,
          messageId,
          cursor,
          seq: row.r_seq,
          accountId,
          seatId: row.r_seat_id,
          branchId: row.r_branch_id,
          day,
          target,
          message: storedMessageRow(input, { id: messageId, accountId, targetId: target.id, cursor, createdAt: options.now }),
          newFan: row.r_new_fan ? { seatId: row.r_seat_id!, day } : null,
        },
      };
    }
  }
}

export function createPgInbound(store: PgStore): InboundStore {
  const call = async (items: BatchItem[]): Promise<BatchOutcome[]> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await store.pool.query<Row>({ ...CALL, values: [argumentOf(items)] });
        return rows.map((row, i) => outcomeOf(row, items[i]!));
      } catch (error) {
        if (attempt >= DEADLOCK_ATTEMPTS || dbFailure(error) !== 'serialization') throw error;
      }
    }
  };

  return {
    async storeBatch(items) {
      try {
        return await call(items);
      } catch (error) {
        // The statement failed as a whole and stored nothing. An item that breaks it must fail
        // alone, as with SQLite's savepoints: each item is tried again on its own. A failure
        // of the connection fails them all again, and each caller hears it.
        if (items.length === 1 || dbFailure(error) === 'serialization') throw error;
        const outcomes: BatchOutcome[] = [];
        for (const item of items) {
          try {
            outcomes.push((await call([item]))[0]!);
          } catch (itemError) {
            outcomes.push({ error: itemError });
          }
        }
        return outcomes;
      }
    },
  };
}
