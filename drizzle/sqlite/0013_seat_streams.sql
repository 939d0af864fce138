CREATE TABLE `seat_streams` (
	`seat_id` integer PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `activity` ADD `seq` integer;--> statement-breakpoint
CREATE INDEX `activity_seat_seq` ON `activity` (`seat_id`,`seq`);--> statement-breakpoint
-- Existing activity of each seat is numbered 1, 2, 3, … in the order it was stored, and each
-- seat's stream continues after its last row.
UPDATE `activity` SET `seq` = `numbered`.`n`
FROM (
	SELECT `cursor` AS `c`, row_number() OVER (PARTITION BY `seat_id` ORDER BY `cursor`) AS `n`
	FROM `activity` WHERE `seat_id` IS NOT NULL
) AS `numbered`
WHERE `numbered`.`c` = `activity`.`cursor`;--> statement-breakpoint
INSERT INTO `seat_streams` (`seat_id`, `seq`)
	SELECT `seat_id`, max(`seq`) FROM `activity` WHERE `seat_id` IS NOT NULL GROUP BY `seat_id`;
