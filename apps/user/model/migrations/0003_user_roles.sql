-- Issue 15. A user is a customer or an admin; access tokens carry the role. `make admin` sets it.
ALTER TABLE `users`
  ADD COLUMN IF NOT EXISTS `role` varchar(16) NOT NULL DEFAULT 'customer' COMMENT 'customer or admin';
