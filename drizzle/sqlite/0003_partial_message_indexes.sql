DROP INDEX `messages_status_pending`;--> statement-breakpoint
DROP INDEX `messages_seat_client_msg`;--> statement-breakpoint
CREATE INDEX `messages_pending` ON `messages` (`created_at`) WHERE "messages"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX `messages_seat_client_msg` ON `messages` (`sent_by_seat_id`,`client_msg_id`) WHERE "messages"."client_msg_id" IS NOT NULL;