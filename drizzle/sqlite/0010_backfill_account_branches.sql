-- Custom: accounts now carry their branch. An account assigned before this column existed
-- belongs to its seat's branch.
UPDATE `accounts` SET `branch_id` = (SELECT `u`.`branch_id` FROM `users` `u` WHERE `u`.`id` = `accounts`.`seat_id`) WHERE `branch_id` IS NULL AND `seat_id` IS NOT NULL;
