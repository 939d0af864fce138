-- The inbound batch on PostgreSQL as one call: every item of a batch is stored by one statement,
-- so a batch costs one round trip and one commit instead of a dozen round trips per message.
-- It stores exactly what src/messages/inbound.sqlite.ts stores (inbound.types.ts says what);
-- the caller computes the day and hour of each message in the hub's time zone.
--
-- Items are stored in order. An item whose phone is unknown or whose account is disabled
-- writes nothing and answers 'no_account' / 'disabled'. Concurrent batches on other hosts are
-- ordered by constraints and row locks: the webhook id and the message are claimed with
-- ON CONFLICT DO NOTHING, a first-seen target likewise, the conversation row is locked while
-- its tally moves, and the seat_streams upsert locks the seat's stream until commit. Before any
-- of that, a batch takes a lock per seat it will touch, in seat order (0 for messages of no
-- seat): batches of two hosts that share a seat take turns whole, instead of each holding one
-- seat's rows while waiting for the other's (a deadlock, which PostgreSQL only breaks after
-- deadlock_timeout and by failing one of them).
CREATE FUNCTION hub_store_inbound(items jsonb)
RETURNS TABLE (
  r_outcome text,
  r_message_id bigint,
  r_target_id bigint,
  r_target_name text,
  r_target_conv_type text,
  r_cursor bigint,
  r_seq bigint,
  r_account_id bigint,
  r_seat_id bigint,
  r_branch_id bigint,
  r_new_fan boolean
)
LANGUAGE plpgsql
AS $$
DECLARE
  it jsonb;
  acc record;
  tg record;
  cv record;
  v_inbound boolean;
  v_msg_id text;
  v_name text;
  v_type text;
  v_send bigint;
  v_now bigint;
  v_day text;
  v_existing_id bigint;
  v_existing_target bigint;
  v_fresh boolean;
  v_created boolean;
  v_seat bigint;
  v_branch bigint;
  v_unanswered bigint;
  v_active_day text;
  v_last_send bigint;
  v_reply bigint;
  v_active boolean;
  v_new_fan boolean;
  v_span integer;
  v_seq bigint;
  v_cursor bigint;
  v_message bigint;
  v_lock bigint;
BEGIN
  FOR v_lock IN
    SELECT DISTINCT coalesce(s.seat_id, 0) AS seat FROM (
      SELECT a.seat_id FROM jsonb_array_elements(items) e JOIN accounts a ON a.phone = e ->> 'phone'
      UNION ALL
      SELECT c.seat_id FROM jsonb_array_elements(items) e
        JOIN accounts a ON a.phone = e ->> 'phone'
        JOIN targets t ON t.account_id = a.id AND t.platform_uid = e ->> 'uid'
        JOIN conversations c ON c.target_id = t.id
    ) s
    ORDER BY 1
  LOOP
    -- The first key names these locks (the migrations' lock uses the one-key form).
    PERFORM pg_advisory_xact_lock(7304184, v_lock::integer);
  END LOOP;

  FOR i IN 0 .. jsonb_array_length(items) - 1 LOOP
    it := items -> i;
    v_msg_id := it ->> 'msgId';
    v_inbound := (it ->> 'inbound')::boolean;
    v_name := it ->> 'name';
    v_type := it ->> 'convType';
    v_send := (it ->> 'sendTime')::bigint;
    v_now := (it ->> 'now')::bigint;
    v_day := it ->> 'day';
    r_message_id := NULL; r_target_id := NULL; r_target_name := NULL; r_target_conv_type := NULL;
    r_cursor := NULL; r_seq := NULL; r_account_id := NULL; r_seat_id := NULL; r_branch_id := NULL; r_new_fan := false;

    SELECT a.id, a.seat_id, a.disabled, u.branch_id INTO acc
      FROM accounts a LEFT JOIN users u ON u.id = a.seat_id
      WHERE a.phone = it ->> 'phone';
    IF NOT FOUND THEN
      r_outcome := 'no_account';
      RETURN NEXT;
      CONTINUE;
    END IF;
    -- Refused before the webhook id is claimed: a disabled account's traffic leaves no trace.
    IF acc.disabled THEN
      r_outcome := 'disabled';
      RETURN NEXT;
      CONTINUE;
    END IF;
    r_account_id := acc.id;

    SELECT m.id, m.target_id INTO v_existing_id, v_existing_target
      FROM messages m WHERE m.account_id = acc.id AND m.bridge_msg_id = v_msg_id;
    v_fresh := true;
    IF it ->> 'webhookId' IS NOT NULL THEN
      INSERT INTO webhook_deliveries (webhook_id, path, received_at)
        VALUES (it ->> 'webhookId', 'messageCallback', v_now)
        ON CONFLICT DO NOTHING;
      v_fresh := FOUND;
    END IF;
    IF v_existing_id IS NOT NULL OR NOT v_fresh THEN
      r_outcome := 'duplicate';
      r_message_id := v_existing_id;
      r_target_id := v_existing_target;
      RETURN NEXT;
      CONTINUE;
    END IF;

    v_created := false;
    SELECT t.id, t.name, t.conv_type INTO tg
      FROM targets t WHERE t.account_id = acc.id AND t.platform_uid = it ->> 'uid';
    IF NOT FOUND THEN
      INSERT INTO targets (account_id, platform_uid, name, conv_type, created_at)
        VALUES (acc.id, it ->> 'uid', coalesce(v_name, ''), coalesce(v_type, 'stranger'), v_now)
        ON CONFLICT DO NOTHING
        RETURNING id, name, conv_type INTO tg;
      v_created := FOUND;
      IF NOT v_created THEN
        -- Another host's batch made it first and has committed: this statement sees it.
        SELECT t.id, t.name, t.conv_type INTO STRICT tg
          FROM targets t WHERE t.account_id = acc.id AND t.platform_uid = it ->> 'uid';
      END IF;
    END IF;

    v_unanswered := NULL; v_active_day := NULL; v_last_send := NULL;
    IF v_created THEN
      v_seat := acc.seat_id;
      v_branch := acc.branch_id;
      INSERT INTO conversations (target_id, account_id, seat_id, created_at) VALUES (tg.id, acc.id, v_seat, v_now);
    ELSE
      -- Locked until commit: the tally below reads and moves the conversation's state.
      SELECT c.seat_id, u.branch_id, c.unanswered_since, c.active_day, c.last_send_time INTO cv
        FROM conversations c LEFT JOIN users u ON u.id = c.seat_id
        WHERE c.target_id = tg.id
        FOR UPDATE OF c;
      IF FOUND THEN
        v_seat := cv.seat_id;
        v_branch := cv.branch_id;
        v_unanswered := cv.unanswered_since;
        v_active_day := cv.active_day;
        v_last_send := cv.last_send_time;
      ELSE
        v_seat := NULL;
        v_branch := NULL;
      END IF;
      IF (v_name IS NOT NULL AND v_name <> '' AND v_name <> tg.name) OR (v_type IS NOT NULL AND v_type <> tg.conv_type) THEN
        UPDATE targets
          SET name = CASE WHEN v_name IS NOT NULL AND v_name <> '' THEN v_name ELSE name END,
              conv_type = coalesce(v_type, conv_type)
          WHERE id = tg.id
          RETURNING id, name, conv_type INTO tg;
      END IF;
    END IF;

    -- The tally (nextTally in src/dashboard/counters.repository.ts): only the conversation's
    -- newest message moves its reply state; a day's first message counts it as active.
    v_reply := -1;
    IF v_send >= coalesce(v_last_send, 0) THEN
      IF v_inbound THEN
        v_unanswered := coalesce(v_unanswered, v_send);
      ELSIF v_unanswered IS NOT NULL THEN
        v_reply := greatest(0, v_send - v_unanswered);
        v_unanswered := NULL;
      END IF;
    END IF;
    v_active := v_active_day IS NULL OR v_day COLLATE "C" > v_active_day COLLATE "C";
    IF v_active THEN
      v_active_day := v_day;
    END IF;

    -- A new fan is a second push (fans:count) of the same change: the stream takes two numbers.
    v_new_fan := v_created AND v_seat IS NOT NULL;
    v_span := CASE WHEN v_new_fan THEN 2 ELSE 1 END;
    v_seq := NULL;
    IF v_seat IS NOT NULL THEN
      INSERT INTO seat_streams (seat_id, seq) VALUES (v_seat, v_span)
        ON CONFLICT (seat_id) DO UPDATE SET seq = seat_streams.seq + excluded.seq
        RETURNING seq INTO v_seq;
    END IF;
    -- Taken after the seat's stream lock, as appendActivity does: a seat's cursors and seq
    -- numbers rise together.
    v_cursor := nextval('activity_cursor_seq');

    INSERT INTO messages (account_id, target_id, bridge_msg_id, sender, content_type, content, thumb, media_ref,
                          send_time, status, read_state, cursor, created_at)
      VALUES (acc.id, tg.id, v_msg_id, CASE WHEN v_inbound THEN 1 ELSE 0 END, it ->> 'contentType', it ->> 'content',
              it ->> 'thumb', it ->> 'mediaRef', v_send, CASE WHEN v_inbound THEN 'received' ELSE 'sent' END,
              CASE WHEN v_inbound THEN 0 ELSE 1 END, v_cursor, v_now)
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_message;
    IF v_message IS NULL THEN
      -- Another batch stored this message after the check above and has committed: undo what
      -- this item wrote (it holds those rows' locks, nobody else has seen them) and answer the
      -- duplicate. The stream's numbers go back so it stays without gaps.
      IF v_seat IS NOT NULL THEN
        UPDATE seat_streams SET seq = seq - v_span WHERE seat_id = v_seat;
      END IF;
      IF v_created THEN
        DELETE FROM conversations WHERE target_id = tg.id;
        DELETE FROM targets WHERE id = tg.id;
      END IF;
      SELECT m.id, m.target_id INTO r_message_id, r_target_id
        FROM messages m WHERE m.account_id = acc.id AND m.bridge_msg_id = v_msg_id;
      r_outcome := 'duplicate';
      RETURN NEXT;
      CONTINUE;
    END IF;

    INSERT INTO dashboard_hours (day, branch_id, seat_id, hour, inbound, outbound, active_targets, replies, reply_ms)
      VALUES (v_day, coalesce(v_branch, 0), coalesce(v_seat, 0), (it ->> 'hour')::integer,
              CASE WHEN v_inbound THEN 1 ELSE 0 END, CASE WHEN v_inbound THEN 0 ELSE 1 END,
              CASE WHEN v_active THEN 1 ELSE 0 END, CASE WHEN v_reply >= 0 THEN 1 ELSE 0 END, greatest(v_reply, 0))
      ON CONFLICT (day, branch_id, seat_id, hour) DO UPDATE SET
        inbound = dashboard_hours.inbound + excluded.inbound,
        outbound = dashboard_hours.outbound + excluded.outbound,
        active_targets = dashboard_hours.active_targets + excluded.active_targets,
        replies = dashboard_hours.replies + excluded.replies,
        reply_ms = dashboard_hours.reply_ms + excluded.reply_ms;
    IF v_new_fan THEN
      INSERT INTO fan_events (seat_id, account_id, target_id, day, delta, reason, created_at)
        VALUES (v_seat, acc.id, tg.id, v_day, 1, 'first message', v_now);
    END IF;
    INSERT INTO activity (cursor, seat_id, target_id, kind, message_id, seq, created_at)
      VALUES (v_cursor, v_seat, tg.id, 'message', NULL, v_seq, v_now);
    -- A late, older message must not replace the conversation's last message.
    UPDATE conversations SET
        last_message_id = CASE WHEN coalesce(last_send_time, 0) <= v_send THEN v_message ELSE last_message_id END,
        last_content = CASE WHEN coalesce(last_send_time, 0) <= v_send THEN it ->> 'content' ELSE last_content END,
        last_content_type = CASE WHEN coalesce(last_send_time, 0) <= v_send THEN it ->> 'contentType' ELSE last_content_type END,
        last_send_time = greatest(coalesce(last_send_time, 0), v_send),
        last_cursor = v_cursor,
        unread_count = unread_count + CASE WHEN v_inbound THEN 1 ELSE 0 END,
        unanswered_since = v_unanswered,
        active_day = v_active_day
      WHERE target_id = tg.id;

    r_outcome := 'stored';
    r_message_id := v_message;
    r_target_id := tg.id;
    r_target_name := tg.name;
    r_target_conv_type := tg.conv_type;
    r_cursor := v_cursor;
    r_seq := CASE WHEN v_seq IS NULL THEN NULL ELSE v_seq - v_span + 1 END;
    r_seat_id := v_seat;
    r_branch_id := v_branch;
    r_new_fan := v_new_fan;
    RETURN NEXT;
  END LOOP;
END;
$$;
