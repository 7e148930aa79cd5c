-- zeromall_order: catalogue and orders. Owned by order-rpc; no other service reads it.
CREATE TABLE IF NOT EXISTS `products` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sku` varchar(64) NOT NULL,
  `title` varchar(128) NOT NULL,
  `price` bigint NOT NULL COMMENT 'unit price in cents',
  `stock` int NOT NULL COMMENT 'units left; never negative',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sku` (`sku`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the catalogue';

CREATE TABLE IF NOT EXISTS `orders` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sn` varchar(32) NOT NULL COMMENT 'public order number',
  `user_id` bigint NOT NULL,
  `status` varchar(16) NOT NULL COMMENT 'pending, paid, cancelled, refunded',
  `total_amount` bigint NOT NULL COMMENT 'cents',
  `paid_at` datetime NULL DEFAULT NULL,
  `closed_at` datetime NULL DEFAULT NULL COMMENT 'when cancelled or refunded',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sn` (`sn`),
  KEY `idx_user` (`user_id`),
  KEY `idx_user_status` (`user_id`, `status`),
  KEY `idx_status_created` (`status`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='orders';

CREATE TABLE IF NOT EXISTS `order_idempotency` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `user_id` bigint NOT NULL,
  `idempotency_key` varchar(64) NOT NULL,
  `order_id` bigint NOT NULL,
  `request_hash` char(64) NOT NULL COMMENT 'sha256 of the normalized items',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_user_key` (`user_id`, `idempotency_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Idempotency-Key to order, per user';

CREATE TABLE IF NOT EXISTS `order_items` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `order_id` bigint NOT NULL,
  `product_id` bigint NOT NULL,
  `title` varchar(128) NOT NULL COMMENT 'catalogue title at order time',
  `price` bigint NOT NULL COMMENT 'catalogue unit price in cents at order time',
  `quantity` int NOT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `idx_order` (`order_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='order lines';
