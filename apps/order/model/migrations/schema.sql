-- zeromall_order as the migrations leave it: the source `make gen-order-model` reads (goctl skips
-- ALTER statements). deploy/sql/schema_test.go proves this file and the migrations agree.
-- The cache invalidation journal (`cache_invalidation`, pkg/store), the outbox and the inbox
-- (pkg/events) are left out: they are infrastructure, not the domain, and have no goctl model.
CREATE TABLE `products` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sku` varchar(64) NOT NULL,
  `title` varchar(128) NOT NULL,
  `price` bigint NOT NULL COMMENT 'unit price in cents',
  `stock` int NOT NULL COMMENT 'units left; never negative',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `active` tinyint NOT NULL DEFAULT '1' COMMENT '1 for sale, 0 archived: hidden from browsing and ordering',
  `initial_stock` int NOT NULL DEFAULT '0' COMMENT 'stock when its ledger began',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sku` (`sku`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='the catalogue';

CREATE TABLE `orders` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `sn` varchar(32) NOT NULL COMMENT 'public order number',
  `user_id` bigint NOT NULL,
  `status` varchar(16) NOT NULL COMMENT 'pending, paid, cancelled, refunded',
  `total_amount` bigint NOT NULL COMMENT 'cents',
  `paid_at` datetime NULL DEFAULT NULL,
  `closed_at` datetime NULL DEFAULT NULL COMMENT 'when cancelled or refunded',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `payment_deadline` datetime(3) NULL DEFAULT NULL COMMENT 'a payment may settle until then: no auto-cancel before',
  `pending_slot` int NULL DEFAULT NULL COMMENT 'while pending: its slot of the buyer cap on unpaid orders',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_sn` (`sn`),
  UNIQUE KEY `uk_user_pending_slot` (`user_id`, `pending_slot`),
  KEY `idx_user` (`user_id`),
  KEY `idx_user_status` (`user_id`, `status`),
  KEY `idx_status_created` (`status`, `created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='orders';

CREATE TABLE `order_idempotency` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `user_id` bigint NOT NULL,
  `idempotency_key` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  `order_id` bigint NOT NULL,
  `request_hash` char(64) NOT NULL COMMENT 'sha256 of the normalized items',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_user_key` (`user_id`, `idempotency_key`),
  KEY `idx_created` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Idempotency-Key to order, per user';

CREATE TABLE `order_items` (
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

CREATE TABLE `stock_ledger` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `product_id` bigint NOT NULL,
  `delta` int NOT NULL COMMENT 'units added (> 0) or taken (< 0)',
  `kind` varchar(16) NOT NULL COMMENT 'order, cancel, auto-cancel, refund or adjustment',
  `reason` varchar(128) NOT NULL DEFAULT '' COMMENT 'why an admin adjusted it',
  `order_sn` varchar(32) NOT NULL DEFAULT '' COMMENT 'the order that moved the stock',
  `admin_id` bigint NOT NULL DEFAULT '0' COMMENT 'the admin who adjusted it',
  `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  KEY `idx_product_id` (`product_id`, `id`),
  KEY `idx_created_at` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='every stock change of every product';

CREATE TABLE `order_buyers` (
  `user_id` bigint NOT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='a lock row per buyer for counting unpaid orders';

CREATE TABLE `product_sales` (
  `product_id` bigint NOT NULL,
  `units_sold` bigint NOT NULL DEFAULT '0' COMMENT 'units in paid orders',
  `units_refunded` bigint NOT NULL DEFAULT '0' COMMENT 'units of those orders refunded since',
  `revenue` bigint NOT NULL DEFAULT '0' COMMENT 'cents paid less cents refunded',
  `orders` bigint NOT NULL DEFAULT '0' COMMENT 'paid orders with the product',
  `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='sales per product, from order events';
