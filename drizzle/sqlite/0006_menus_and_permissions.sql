CREATE TABLE `menus` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`parent_id` integer DEFAULT 0 NOT NULL,
	`menu_name` text NOT NULL,
	`order_num` integer DEFAULT 0 NOT NULL,
	`path` text DEFAULT '' NOT NULL,
	`component` text,
	`menu_type` text NOT NULL,
	`perms` text DEFAULT '' NOT NULL,
	`visible` text DEFAULT '0' NOT NULL,
	`status` text DEFAULT '0' NOT NULL,
	`icon` text DEFAULT '#' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `menus_parent` ON `menus` (`parent_id`,`order_num`);--> statement-breakpoint
CREATE TABLE `permission_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `role_menus` (
	`role` text NOT NULL,
	`menu_id` integer NOT NULL,
	PRIMARY KEY(`role`, `menu_id`),
	FOREIGN KEY (`menu_id`) REFERENCES `menus`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `role_menus_menu` ON `role_menus` (`menu_id`);