-- Issue 14. The outbox delivers the messages of one order in the order they were committed
-- (aggregate), a relay holds a message by a lease instead of a transaction, and a message order-rpc
-- refuses for good is "parked" until an operator replays it. A pending payment expires.
ALTER TABLE `outbox`
  MODIFY `status` varchar(16) NOT NULL DEFAULT 'pending' COMMENT 'pending, delivered, parked',
  ADD COLUMN IF NOT EXISTS `aggregate` varchar(32) NOT NULL DEFAULT '' COMMENT 'order number: its messages are delivered in id order',
  ADD COLUMN IF NOT EXISTS `lease_owner` varchar(64) NOT NULL DEFAULT '' COMMENT 'relay delivering it now',
  ADD COLUMN IF NOT EXISTS `lease_until` datetime(3) NULL DEFAULT NULL COMMENT 'another relay may take it after this',
  ADD KEY IF NOT EXISTS `idx_aggregate` (`aggregate`, `id`);
UPDATE `outbox` SET `aggregate` = COALESCE(JSON_UNQUOTE(JSON_EXTRACT(`payload`, '$.orderSn')), '');
UPDATE `outbox` SET `status` = 'parked' WHERE `status` = 'failed';

ALTER TABLE `payments`
  MODIFY `status` varchar(16) NOT NULL COMMENT 'pending, succeeded, refunded, expired',
  ADD COLUMN IF NOT EXISTS `expires_at` datetime(3) NULL DEFAULT NULL COMMENT 'a pending payment expires then',
  ADD KEY IF NOT EXISTS `idx_status_expires` (`status`, `expires_at`);
