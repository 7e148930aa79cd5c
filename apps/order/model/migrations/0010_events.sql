-- Issue 51. order-rpc publishes its events (order.created, .paid, .cancelled, .refunded,
-- .payment_rejected) through an outbox written in the transaction of each change, and applies
-- payment events once (inbox). Both tables belong to pkg/events and are the same in every
-- service that has them (deploy/migrations_test.go).
CREATE TABLE IF NOT EXISTS `outbox` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `topic` varchar(32) NOT NULL COMMENT 'the event''s subject',
  `payload` text NOT NULL COMMENT 'the event (protobuf JSON, pkg/events)',
  `status` varchar(16) NOT NULL DEFAULT 'pending' COMMENT 'pending, delivered, parked',
  `attempts` int NOT NULL DEFAULT '0',
  `next_attempt_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  `last_error` varchar(255) NOT NULL DEFAULT '',
  `delivered_at` datetime NULL DEFAULT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `aggregate` varchar(32) NOT NULL DEFAULT '' COMMENT 'order number: its events are published in id order',
  `lease_owner` varchar(64) NOT NULL DEFAULT '' COMMENT 'relay publishing it now',
  `lease_until` datetime(3) NULL DEFAULT NULL COMMENT 'another relay may take it after this',
  `event_id` varchar(64) NOT NULL DEFAULT '' COMMENT 'the event''s id, its Nats-Msg-Id',
  PRIMARY KEY (`id`),
  KEY `idx_status_next` (`status`, `next_attempt_at`),
  KEY `idx_aggregate` (`aggregate`, `id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='events to publish, written with the change they announce (pkg/events)';

CREATE TABLE IF NOT EXISTS `inbox` (
  `consumer` varchar(64) NOT NULL COMMENT 'durable consumer name',
  `event_id` varchar(64) NOT NULL,
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`consumer`, `event_id`),
  KEY `idx_created` (`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='events each consumer applied, so none is applied twice (pkg/events)';
