-- zeromall_user as the migrations leave it: the source `make gen-user-model` reads (goctl skips
-- ALTER statements, so it cannot read the migrations themselves). deploy/sql/schema_test.go proves
-- this file and the migrations build the same tables.
-- The cache invalidation journal (`cache_invalidation`, pkg/store) is left out: it is
-- infrastructure, not the domain, and has no goctl model.
CREATE TABLE `users` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `email` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'canonical login email: lower-case ASCII',
  `password_hash` varchar(100) NOT NULL COMMENT 'bcrypt hash',
  `nickname` varchar(64) NOT NULL,
  `status` tinyint NOT NULL DEFAULT '1' COMMENT '1 active, 2 disabled',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `updated_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  `role` varchar(16) NOT NULL DEFAULT 'customer' COMMENT 'customer or admin',
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_email` (`email`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='user accounts';

CREATE TABLE `sessions` (
  `id` char(32) NOT NULL COMMENT 'random session id (hex), the sid claim of its access tokens',
  `user_id` bigint NOT NULL,
  `refresh_hash` char(64) NOT NULL COMMENT 'sha256 (hex) of the one refresh token that may be used next',
  `password_fp` char(16) NOT NULL COMMENT 'fingerprint of the password hash at login: a changed password ends the session',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` datetime NOT NULL COMMENT 'hard end of the session, whatever is refreshed',
  `revoked_at` datetime DEFAULT NULL,
  `revoke_reason` varchar(32) NOT NULL DEFAULT '',
  `prev_refresh_hash` char(64) NOT NULL DEFAULT '' COMMENT 'sha256 (hex) of the refresh token rotated away last: presenting it again ends the session',
  PRIMARY KEY (`id`),
  KEY `idx_user_id` (`user_id`),
  KEY `idx_expires_at` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='login sessions with rotating refresh tokens';
