-- Issue 47. The cap on unpaid orders (ORDER_PENDING_PER_USER) without a lock per buyer: each
-- pending order holds one of its buyer's numbered slots, unique per buyer, and gives it back
-- (NULL) when it is paid or cancelled. A creation claims a free slot in its INSERT, so parallel
-- creations by one buyer only wait on each other when they pick the same slot, which happens
-- when the buyer is near the cap; the unique key alone keeps them from passing it together.
-- Existing pending orders get slots 0, 1, ... per buyer, oldest first.
-- order_buyers stays until no instance from before this migration runs (they lock it). While such
-- instances still serve, the orders they create take no slot: each version keeps the cap over
-- its own creations until the rollout ends.
ALTER TABLE `orders`
  ADD COLUMN IF NOT EXISTS `pending_slot` int NULL DEFAULT NULL COMMENT 'while pending: its slot of the buyer cap on unpaid orders',
  ADD UNIQUE KEY IF NOT EXISTS `uk_user_pending_slot` (`user_id`, `pending_slot`);
UPDATE `orders` o
  JOIN (SELECT `id`, ROW_NUMBER() OVER (PARTITION BY `user_id` ORDER BY `id`) - 1 AS `slot`
        FROM `orders` WHERE `status` = 'pending' AND `pending_slot` IS NULL) s ON o.`id` = s.`id`
  SET o.`pending_slot` = s.`slot`;
