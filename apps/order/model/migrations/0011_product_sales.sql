-- Issue 51. Sales per product, a read model built from order events (order.paid, order.refunded)
-- by order-rpc's consumer order-rpc-sales: the admin API's GET /order/v1/admin/products/:id/sales.
CREATE TABLE IF NOT EXISTS `product_sales` (
  `product_id` bigint NOT NULL,
  `units_sold` bigint NOT NULL DEFAULT '0' COMMENT 'units in paid orders',
  `units_refunded` bigint NOT NULL DEFAULT '0' COMMENT 'units of those orders refunded since',
  `revenue` bigint NOT NULL DEFAULT '0' COMMENT 'cents paid less cents refunded',
  `orders` bigint NOT NULL DEFAULT '0' COMMENT 'paid orders with the product',
  `updated_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`product_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='sales per product, from order events';
