-- Full-text indexes for quick search (快捷搜索). The trigram tokenizer matches any substring of
-- three or more characters, so Chinese text (no spaces between words) is searchable too.
-- Both are external-content tables: the text lives once, in messages/targets, and these
-- triggers keep the indexes in step inside the writing transaction.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`content`, content='messages', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE VIRTUAL TABLE `targets_fts` USING fts5(`name`, `platform_uid`, content='targets', content_rowid='id', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_after_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts`(rowid, `content`) VALUES (new.`id`, new.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_after_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.`id`, old.`content`);
END;
--> statement-breakpoint
-- Only a change of the text touches the index: status and read-state updates stay cheap.
CREATE TRIGGER `messages_fts_after_update` AFTER UPDATE OF `content` ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `content`) VALUES ('delete', old.`id`, old.`content`);
  INSERT INTO `messages_fts`(rowid, `content`) VALUES (new.`id`, new.`content`);
END;
--> statement-breakpoint
CREATE TRIGGER `targets_fts_after_insert` AFTER INSERT ON `targets` BEGIN
  INSERT INTO `targets_fts`(rowid, `name`, `platform_uid`) VALUES (new.`id`, new.`name`, new.`platform_uid`);
END;
--> statement-breakpoint
CREATE TRIGGER `targets_fts_after_delete` AFTER DELETE ON `targets` BEGIN
  INSERT INTO `targets_fts`(`targets_fts`, rowid, `name`, `platform_uid`) VALUES ('delete', old.`id`, old.`name`, old.`platform_uid`);
END;
--> statement-breakpoint
CREATE TRIGGER `targets_fts_after_update` AFTER UPDATE OF `name`, `platform_uid` ON `targets` BEGIN
  INSERT INTO `targets_fts`(`targets_fts`, rowid, `name`, `platform_uid`) VALUES ('delete', old.`id`, old.`name`, old.`platform_uid`);
  INSERT INTO `targets_fts`(rowid, `name`, `platform_uid`) VALUES (new.`id`, new.`name`, new.`platform_uid`);
END;
--> statement-breakpoint
-- Index whatever an existing database already holds.
INSERT INTO `messages_fts`(`messages_fts`) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO `targets_fts`(`targets_fts`) VALUES ('rebuild');
