-- Login sessions: each login or registration opens one; refresh tokens rotate inside it.
CREATE TABLE IF NOT EXISTS `sessions` (
  `id` char(32) NOT NULL COMMENT 'random session id (hex), the sid claim of its access tokens',
  `user_id` bigint NOT NULL,
  `refresh_hash` char(64) NOT NULL COMMENT 'sha256 (hex) of the one refresh token that may be used next',
  `password_fp` char(16) NOT NULL COMMENT 'fingerprint of the password hash at login: a changed password ends the session',
  `created_at` datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
  `expires_at` datetime NOT NULL COMMENT 'hard end of the session, whatever is refreshed',
  `revoked_at` datetime DEFAULT NULL,
  `revoke_reason` varchar(32) NOT NULL DEFAULT '',
  PRIMARY KEY (`id`),
  KEY `idx_user_id` (`user_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='login sessions with rotating refresh tokens';
