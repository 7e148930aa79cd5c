-- zeromall_user as the migrations leave it: the source `make gen-user-model` reads (goctl skips
-- ALTER statements, so it cannot read the migrations themselves). deploy/sql/schema_test.go proves
-- this file and the migrations build the same tables.
CREATE TABLE `users` (
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
