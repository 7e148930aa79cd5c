-- The retention job (Retention.Ledger) finds the products with old stock changes by their time.
ALTER TABLE `stock_ledger`
  ADD KEY IF NOT EXISTS `idx_created_at` (`created_at`);
