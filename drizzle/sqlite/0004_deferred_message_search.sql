-- Message text is indexed for quick search after the fact, in batches, instead of by a trigger
-- inside every callback's transaction: trigram indexing was about half the cost of storing a
-- message. `search_progress` holds the highest message id already indexed; quick search first
-- indexes whatever is newer, and a timer in each hub keeps the backlog small.
CREATE TABLE `search_progress` (`name` text PRIMARY KEY NOT NULL, `last_id` integer NOT NULL);
--> statement-breakpoint
INSERT INTO `search_progress` (`name`, `last_id`) VALUES ('messages', (SELECT coalesce(max(`id`), 0) FROM `messages`));
--> statement-breakpoint
DROP TRIGGER `messages_fts_after_insert`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_after_delete`;
--> statement-breakpoint
DROP TRIGGER `messages_fts_after_update`;
--> statement-breakpoint
-- A row not yet indexed must not be 'deleted' from the index: the batch indexes its final text.
CREATE TRIGGER `messages_fts_after_delete` AFTER DELETE ON `messages`
WHEN old.`id` <= (SELECT `last_id` FROM `search_progress` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.`id`, old.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_after_update` AFTER UPDATE OF `content` ON `messages`
WHEN old.`id` <= (SELECT `last_id` FROM `search_progress` WHERE `name` = 'messages') BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.`id`, old.`content`);
  INSERT INTO `messages_fts`(rowid, `content`) VALUES (new.`id`, new.`content`);
END;
