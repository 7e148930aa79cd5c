-- zeromall_payment as the migrations leave it: the source `make gen-payment-model` reads (goctl
-- skips ALTER statements). deploy/sql/schema_test.go proves this file and the migrations agree.
-- The cache invalidation journal (`cache_invalidation`, pkg/store), the outbox and the inbox
-- (pkg/events) are left out: they are infrastructure, not the domain, and have no goctl model.
CREATE TABLE `payments` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sn` varchar(32) NOT NULL COMMENT 'public payment number',
  `order_sn` varchar(32) NOT NULL COMMENT 'one payment per order',
  `user_id` bigint NOT NULL,
  `amount` bigint NOT NULL COMMENT 'cents, taken from order-rpc',
  `status` varchar(16) NOT NULL COMMENT 'pending, succeeded, refunded, expired',
  `trade_no` varchar(64) NOT NULL DEFAULT '' COMMENT 'provider trade number',
  `note` varchar(255) NOT NULL DEFAULT '' COMMENT 'why a refund happened without the owner asking',
  `paid_at` datetime NULL DEFAULT NULL,
  `refunded_at` datetime NULL DEFAULT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `expires_at` datetime(3) NULL DEFAULT NULL COMMENT 'a pending payment expires then',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sn` (`sn`),
  UNIQUE KEY `uk_order_sn` (`order_sn`),
  KEY `idx_status_expires` (`status`, `expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='payments';

CREATE TABLE `payment_receipts` (
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
