-- zeromall_payment: payments and their outbox. Owned by payment-rpc; no other service reads it.
CREATE TABLE IF NOT EXISTS `payments` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sn` varchar(32) NOT NULL COMMENT 'public payment number',
  `order_sn` varchar(32) NOT NULL COMMENT 'one payment per order',
  `user_id` bigint NOT NULL,
  `amount` bigint NOT NULL COMMENT 'cents, taken from order-rpc',
  `status` varchar(16) NOT NULL COMMENT 'pending, succeeded, refunded',
  `trade_no` varchar(64) NOT NULL DEFAULT '' COMMENT 'provider trade number',
  `note` varchar(255) NOT NULL DEFAULT '' COMMENT 'why a refund happened without the owner asking',
  `paid_at` datetime NULL DEFAULT NULL,
  `refunded_at` datetime NULL DEFAULT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sn` (`sn`),
  UNIQUE KEY `uk_order_sn` (`order_sn`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='payments';

CREATE TABLE IF NOT EXISTS `outbox` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `topic` varchar(32) NOT NULL COMMENT 'order.paid or order.refunded',
  `payload` varchar(1024) NOT NULL COMMENT 'JSON message',
  `status` varchar(16) NOT NULL DEFAULT 'pending' COMMENT 'pending, delivered, failed',
  `attempts` int NOT NULL DEFAULT '0',
  `next_attempt_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `last_error` varchar(255) NOT NULL DEFAULT '',
  `delivered_at` datetime NULL DEFAULT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_status_next` (`status`, `next_attempt_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='messages to order-rpc, written with the payment change they announce';
