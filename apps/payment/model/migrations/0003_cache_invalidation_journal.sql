-- Issue 30. The cache invalidation journal (pkg/invalidation): a transaction that changes cached
-- rows records their Redis keys here, and every instance deletes the keys of records a second old
-- and removes them, so a writer dying between its commit and its cache delete leaves nothing
-- stale for long. It belongs to pkg/invalidation, not to the domain: schema.sql leaves it out, so
-- goctl generates no model for it. No index on created_at: the drain reads in id order, which is
-- commit order give or take the transactions in flight, so the records it wants come first.
CREATE TABLE IF NOT EXISTS `cache_invalidation` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `cache_keys` text NOT NULL COMMENT 'JSON array of the Redis keys the transaction made stale',
  `created_at` datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='cache keys to delete after commits';
