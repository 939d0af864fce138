CREATE TABLE `dashboard_hours` (
	`day` text NOT NULL,
	`branch_id` integer NOT NULL,
	`seat_id` integer NOT NULL,
	`hour` integer NOT NULL,
	`inbound` integer DEFAULT 0 NOT NULL,
	`outbound` integer DEFAULT 0 NOT NULL,
	`active_targets` integer DEFAULT 0 NOT NULL,
	`replies` integer DEFAULT 0 NOT NULL,
	`reply_ms` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `branch_id`, `seat_id`, `hour`)
);
--> statement-breakpoint
CREATE INDEX `dashboard_hours_seat_day` ON `dashboard_hours` (`seat_id`,`day`);--> statement-breakpoint
ALTER TABLE `conversations` ADD `unanswered_since` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `active_day` text;--> statement-breakpoint
CREATE INDEX `conversations_unanswered` ON `conversations` (`seat_id`) WHERE "conversations"."unanswered_since" IS NOT NULL;