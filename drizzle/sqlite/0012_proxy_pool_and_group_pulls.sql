CREATE TABLE `group_pull_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` integer NOT NULL,
	`phone` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`not_before` integer DEFAULT 0 NOT NULL,
	`claimed_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `group_pulls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_pull_members_task_state` ON `group_pull_members` (`task_id`,`state`,`id`);--> statement-breakpoint
CREATE INDEX `group_pull_members_sending` ON `group_pull_members` (`claimed_at`) WHERE "group_pull_members"."state" = 'sending';--> statement-breakpoint
CREATE TABLE `group_pulls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`created_by` integer NOT NULL,
	`group_id` text,
	`group_name` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`status_reason` text,
	`per_minute` integer NOT NULL,
	`next_run_at` integer DEFAULT 0 NOT NULL,
	`creating_since` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `group_pulls_status_account` ON `group_pulls` (`status`,`account_id`);--> statement-breakpoint
CREATE INDEX `group_pulls_account` ON `group_pulls` (`account_id`,`id`);--> statement-breakpoint
ALTER TABLE `proxies` ADD `country` text;--> statement-breakpoint
ALTER TABLE `proxies` ADD `status` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `proxies` ADD `status_reason` text;--> statement-breakpoint
ALTER TABLE `proxies` ADD `latency_ms` integer;--> statement-breakpoint
ALTER TABLE `proxies` ADD `checked_at` integer;--> statement-breakpoint
ALTER TABLE `proxies` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `proxies` ADD `max_accounts` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `proxies_host_port` ON `proxies` (`host`,`port`);--> statement-breakpoint
CREATE INDEX `proxies_status` ON `proxies` (`status`);--> statement-breakpoint
CREATE INDEX `accounts_proxy` ON `accounts` (`proxy_id`);