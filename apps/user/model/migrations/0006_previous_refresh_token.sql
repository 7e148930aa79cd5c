-- A refresh token is reused only if it is the one the session rotated away last. Before, any
-- `<session id>.<anything>` that did not match counted as reuse and ended the session, so whoever
-- learnt a session id (it is in every access token) could end it. Existing sessions start with no
-- previous token: until their next refresh, no presented token ends them.
ALTER TABLE `sessions`
  ADD COLUMN IF NOT EXISTS `prev_refresh_hash` char(64) NOT NULL DEFAULT '' COMMENT 'sha256 (hex) of the refresh token rotated away last: presenting it again ends the session';
