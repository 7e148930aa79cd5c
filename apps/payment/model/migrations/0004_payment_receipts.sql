-- Every provider notification of money received is recorded, once per trade. Before, money for a
-- payment another trade had already settled (the first attempt succeeding late while the buyer
-- also paid in a reopened window) was answered 409 and recorded nowhere. Such money is now refunded
-- at once and listed on the payment. Existing payments get no rows: their one trade is on the
-- payment itself (trade_no).
CREATE TABLE IF NOT EXISTS `payment_receipts` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `payment_id` bigint NOT NULL,
  `trade_no` varchar(64) NOT NULL COMMENT 'provider trade number: one receipt per trade',
  `amount` bigint NOT NULL COMMENT 'cents received',
  `paid_at` datetime NOT NULL COMMENT 'when the provider took the money',
  `outcome` varchar(16) NOT NULL COMMENT 'settled (it paid the order) or refunded (it could not, and was given back)',
  `note` varchar(255) NOT NULL DEFAULT '' COMMENT 'why the money was refunded',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_trade_no` (`trade_no`),
  KEY `idx_payment` (`payment_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='every sum the provider reported received, and what became of it';
