-- Issue 51. The outbox publishes payment events to JetStream (pkg/events) instead of calling
-- order-rpc: it takes the shape every service's outbox has, and the messages not yet delivered
-- become the events that say the same (order.paid -> payment.succeeded, order.refunded ->
-- payment.refunded), so an upgrade loses none. payment-rpc applies order events once (inbox).
ALTER TABLE `outbox`
  MODIFY `topic` varchar(32) NOT NULL COMMENT 'the event''s subject',
  MODIFY `payload` text NOT NULL COMMENT 'the event (protobuf JSON, pkg/events)',
  MODIFY `aggregate` varchar(32) NOT NULL DEFAULT '' COMMENT 'order number: its events are published in id order',
  MODIFY `lease_owner` varchar(64) NOT NULL DEFAULT '' COMMENT 'relay publishing it now',
  ADD COLUMN IF NOT EXISTS `event_id` varchar(64) NOT NULL DEFAULT '' COMMENT 'the event''s id, its Nats-Msg-Id' AFTER `lease_until`,
  COMMENT = 'events to publish, written with the change they announce (pkg/events)';

UPDATE `outbox` o JOIN `payments` p ON p.`id` = JSON_VALUE(o.`payload`, '$.paymentId')
SET o.`event_id` = CONCAT('payment-outbox-', o.`id`),
    o.`payload` = JSON_OBJECT(
      'id', CONCAT('payment-outbox-', o.`id`),
      'type', IF(o.`topic` = 'order.paid', 'payment.succeeded', 'payment.refunded'),
      'occurredAt', CAST(UNIX_TIMESTAMP(o.`created_at`) * 1000 AS CHAR),
      'aggregate', p.`order_sn`,
      'aggregateVersion', IF(o.`topic` = 'order.paid', '2', '3'),
      IF(o.`topic` = 'order.paid', 'paymentSucceeded', 'paymentRefunded'),
      JSON_OBJECT('paymentId', CAST(p.`id` AS CHAR), 'paymentSn', p.`sn`, 'orderSn', p.`order_sn`,
                  'amount', CAST(p.`amount` AS CHAR), 'paidAt', CAST(COALESCE(UNIX_TIMESTAMP(p.`paid_at`), 0) * 1000 AS CHAR))
    )
WHERE o.`status` <> 'delivered' AND o.`topic` IN ('order.paid', 'order.refunded');
UPDATE `outbox` SET `topic` = IF(`topic` = 'order.paid', 'payment.succeeded', 'payment.refunded')
WHERE `status` <> 'delivered' AND `topic` IN ('order.paid', 'order.refunded');

CREATE TABLE IF NOT EXISTS `inbox` (
  `consumer` varchar(64) NOT NULL COMMENT 'durable consumer name',
  `event_id` varchar(64) NOT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`consumer`, `event_id`),
  KEY `idx_created` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='events each consumer applied, so none is applied twice (pkg/events)';
