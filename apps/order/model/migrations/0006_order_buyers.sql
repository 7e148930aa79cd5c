-- One row per buyer, locked by each of the buyer's order creations: their unpaid orders are then
-- counted one creation at a time, so a burst of parallel requests cannot get past the limit of
-- unpaid orders (ORDER_PENDING_PER_USER). A row lock, not a locking read of `orders`: that one
-- takes gap locks on idx_user_status that also stop other buyers' inserts next to the range.
-- Existing buyers get their row at their next order.
CREATE TABLE IF NOT EXISTS `order_buyers` (
  `user_id` bigint NOT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='a lock row per buyer for counting unpaid orders';
