-- Emails are compared byte for byte. Under utf8mb4_unicode_ci, `àlice@…`, `álice@…` and
-- `ALICE@…` all matched alice's row while the login limiter counted each spelling apart. The
-- services now accept only lower-case ASCII addresses (their canonical form) and the column
-- compares bytes, so one account has one spelling.
-- Existing rows are not changed. Every address the services ever stored is lower-cased; an
-- address holding non-ASCII characters (accepted before) stays, but can no longer sign in by
-- password: the runbook shows how to find and fix such rows.
ALTER TABLE `users`
  MODIFY `email` varchar(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'canonical login email: lower-case ASCII';
