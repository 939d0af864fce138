-- No query reads conversations by (seat_id, last_cursor): catch-up goes through activity_seat_cursor.
-- The index only cost two B-tree writes on every stored message.
DROP INDEX `conversations_seat_cursor`;