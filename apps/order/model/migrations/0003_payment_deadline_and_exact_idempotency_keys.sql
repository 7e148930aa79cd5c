-- Issue 14. Auto-cancel leaves an order alone while its payment may still settle
-- (payment_deadline, set by payment-rpc when it opens the payment), and Idempotency-Key values
-- compare byte for byte: "abc" and "ABC" are two keys.
ALTER TABLE `orders`
  ADD COLUMN IF NOT EXISTS `payment_deadline` datetime(3) NULL DEFAULT NULL COMMENT 'a payment may settle until then: no auto-cancel before';
ALTER TABLE `order_idempotency`
  MODIFY `idempotency_key` varchar(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  ADD KEY IF NOT EXISTS `idx_created` (`created_at`);
