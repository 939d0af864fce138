CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`subject` text NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`ip` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_actor` ON `audit_log` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_action` ON `audit_log` (`action`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_created` ON `audit_log` (`created_at`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `branch_id` integer REFERENCES branches(id);--> statement-breakpoint
ALTER TABLE `accounts` ADD `disabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `accounts_branch` ON `accounts` (`branch_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `last_login_at` integer;