-- zeromall_user: accounts. Owned by user-rpc; no other service reads it.
CREATE TABLE IF NOT EXISTS `users` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `email` varchar(254) NOT NULL COMMENT 'lower-cased login email',
  `password_hash` varchar(100) NOT NULL COMMENT 'bcrypt hash',
  `nickname` varchar(64) NOT NULL,
  `status` tinyint NOT NULL DEFAULT '1' COMMENT '1 active, 2 disabled',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='user accounts';
