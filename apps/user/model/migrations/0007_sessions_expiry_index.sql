-- The retention job (Retention.Sessions) deletes sessions that expired long ago, oldest first.
ALTER TABLE `sessions`
  ADD KEY IF NOT EXISTS `idx_expires_at` (`expires_at`);
