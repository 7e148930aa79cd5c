-- Issue 15. Admins archive products (`active`) and change stock through the API; every stock
-- change from now on is a row of `stock_ledger`, written in the transaction that changes the
-- stock, so stock = initial_stock + sum(delta) holds for every product at every commit.
ALTER TABLE `products`
  ADD COLUMN IF NOT EXISTS `active` tinyint NOT NULL DEFAULT '1' COMMENT '1 for sale, 0 archived: hidden from browsing and ordering',
  ADD COLUMN IF NOT EXISTS `initial_stock` int NOT NULL DEFAULT '0' COMMENT 'stock when its ledger began';
UPDATE `products` SET `initial_stock` = `stock`;

CREATE TABLE IF NOT EXISTS `stock_ledger` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `product_id` bigint NOT NULL,
  `delta` int NOT NULL COMMENT 'units added (> 0) or taken (< 0)',
  `kind` varchar(16) NOT NULL COMMENT 'order, cancel, auto-cancel, refund or adjustment',
  `reason` varchar(128) NOT NULL DEFAULT '' COMMENT 'why an admin adjusted it',
  `order_sn` varchar(32) NOT NULL DEFAULT '' COMMENT 'the order that moved the stock',
  `admin_id` bigint NOT NULL DEFAULT '0' COMMENT 'the admin who adjusted it',
  `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`),
  KEY `idx_product_id` (`product_id`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='every stock change of every product';
