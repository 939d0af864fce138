CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`phone` text NOT NULL,
	`platform` text DEFAULT 'whatsapp' NOT NULL,
	`seat_id` integer,
	`status` text DEFAULT 'offline' NOT NULL,
	`status_reason` text,
	`status_at` integer,
	`proxy_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proxy_id`) REFERENCES `proxies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_phone_unique` ON `accounts` (`phone`);--> statement-breakpoint
CREATE INDEX `accounts_seat` ON `accounts` (`seat_id`);--> statement-breakpoint
CREATE TABLE `activity` (
	`cursor` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seat_id` integer,
	`target_id` integer,
	`kind` text NOT NULL,
	`message_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `activity_seat_cursor` ON `activity` (`seat_id`,`cursor`);--> statement-breakpoint
CREATE TABLE `branches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `branches_name_unique` ON `branches` (`name`);--> statement-breakpoint
CREATE TABLE `contents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`scope` text NOT NULL,
	`owner_user_id` integer NOT NULL,
	`branch_id` integer,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`content_type` text DEFAULT '1' NOT NULL,
	`media_url` text,
	`shortcut` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`owner_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contents_owner` ON `contents` (`owner_user_id`);--> statement-breakpoint
CREATE INDEX `contents_branch` ON `contents` (`branch_id`,`scope`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`seat_id` integer,
	`last_message_id` integer,
	`last_content` text,
	`last_content_type` text,
	`last_send_time` integer,
	`last_cursor` integer DEFAULT 0 NOT NULL,
	`unread_count` integer DEFAULT 0 NOT NULL,
	`read_up_to_message_id` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversations_target_id_unique` ON `conversations` (`target_id`);--> statement-breakpoint
CREATE INDEX `conversations_seat_last` ON `conversations` (`seat_id`,`last_send_time`);--> statement-breakpoint
CREATE INDEX `conversations_seat_cursor` ON `conversations` (`seat_id`,`last_cursor`);--> statement-breakpoint
CREATE INDEX `conversations_account` ON `conversations` (`account_id`);--> statement-breakpoint
CREATE TABLE `fan_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seat_id` integer NOT NULL,
	`account_id` integer NOT NULL,
	`target_id` integer,
	`day` text NOT NULL,
	`delta` integer NOT NULL,
	`reason` text,
	`by_user_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `fan_events_seat_day` ON `fan_events` (`seat_id`,`day`);--> statement-breakpoint
CREATE TABLE `media_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`file_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `messages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `media_files_message_id_unique` ON `media_files` (`message_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `media_files_file_name_unique` ON `media_files` (`file_name`);--> statement-breakpoint
CREATE TABLE `messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	`bridge_msg_id` text,
	`sender` integer NOT NULL,
	`content_type` text NOT NULL,
	`content` text DEFAULT '' NOT NULL,
	`thumb` text,
	`media_ref` text,
	`send_time` integer NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`read_state` integer DEFAULT 0 NOT NULL,
	`sent_by_seat_id` integer,
	`client_msg_id` text,
	`cursor` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sent_by_seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_account_bridge_msg` ON `messages` (`account_id`,`bridge_msg_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `messages_seat_client_msg` ON `messages` (`sent_by_seat_id`,`client_msg_id`);--> statement-breakpoint
CREATE INDEX `messages_target_time` ON `messages` (`target_id`,`send_time`,`id`);--> statement-breakpoint
CREATE INDEX `messages_status_pending` ON `messages` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `proxies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`host` text NOT NULL,
	`port` integer NOT NULL,
	`protocol` text DEFAULT 'socks5' NOT NULL,
	`username` text,
	`password` text,
	`provider` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seat_tags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`seat_id` integer NOT NULL,
	`name` text NOT NULL,
	`color` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `seat_tags_seat_name` ON `seat_tags` (`seat_id`,`name`);--> statement-breakpoint
CREATE TABLE `target_tags` (
	`tag_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`tag_id`, `target_id`),
	FOREIGN KEY (`tag_id`) REFERENCES `seat_tags`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `target_tags_target` ON `target_tags` (`target_id`);--> statement-breakpoint
CREATE TABLE `targets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`platform_uid` text NOT NULL,
	`name` text DEFAULT '' NOT NULL,
	`conv_type` text DEFAULT 'stranger' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `targets_account_uid` ON `targets` (`account_id`,`platform_uid`);--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_token_hash_unique` ON `tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `tokens_user` ON `tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` integer NOT NULL,
	`from_seat_id` integer NOT NULL,
	`to_seat_id` integer NOT NULL,
	`by_user_id` integer NOT NULL,
	`reason` text,
	`request_key` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `targets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_seat_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transfers_request_key_unique` ON `transfers` (`request_key`);--> statement-breakpoint
CREATE INDEX `transfers_target` ON `transfers` (`target_id`,`id`);--> statement-breakpoint
CREATE TABLE `translations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_hash` text NOT NULL,
	`from_lang` text NOT NULL,
	`to_lang` text NOT NULL,
	`translated` text NOT NULL,
	`detected_lang` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `translations_key` ON `translations` (`source_hash`,`from_lang`,`to_lang`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`branch_id` integer,
	`telegram_link` text,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_branch_role` ON `users` (`branch_id`,`role`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`webhook_id` text PRIMARY KEY NOT NULL,
	`path` text NOT NULL,
	`received_at` integer NOT NULL
);
