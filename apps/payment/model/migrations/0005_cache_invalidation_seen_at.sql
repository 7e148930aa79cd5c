-- Issue 45. A journal record's age counts from when a drainer first saw it, not from its insert:
-- a commit held up past the delay would otherwise be drained the moment it became visible,
-- together with the writer's own first delete (pkg/invalidation). Each drain pass stamps the
-- records it sees for the first time; the index serves that stamp and the drain's age test.
-- IF NOT EXISTS: re-running this after a crash before its schema_migrations row is harmless.
ALTER TABLE `cache_invalidation`
  ADD COLUMN IF NOT EXISTS `seen_at` datetime(3) NULL DEFAULT NULL COMMENT 'when a drainer first saw the committed record; the delay counts from here',
  ADD INDEX IF NOT EXISTS `idx_seen_at` (`seen_at`);
