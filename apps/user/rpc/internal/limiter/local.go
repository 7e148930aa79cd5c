package limiter

import (
	"sync"
	"time"

	"github.com/zeromicro/go-zero/core/timex"
)

// maxLocalKeys bounds the in-process counts of one Window (about 100 bytes a key). When it is
// reached and no window has ended, new keys are refused: under an outage and a flood of fresh
// addresses, refusing some logins beats unbounded memory or forgetting the counts that matter.
const maxLocalKeys = 100_000

// counts are fixed windows kept in process while Redis cannot answer.
type counts struct {
	mu       sync.Mutex
	slots    map[string]slot
	prunedAt time.Duration
}

type slot struct {
	n   int64
	end time.Duration // timex time
}

func newCounts() *counts {
	return &counts{slots: map[string]slot{}}
}

// take counts one attempt on key; it returns the count and the milliseconds left in its window.
func (c *counts) take(key string, period time.Duration) (count, ttlMillis int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := timex.Now()
	s, ok := c.slots[key]
	if !ok || now >= s.end {
		if !ok && !c.room(now) {
			return 1 << 62, period.Milliseconds()
		}
		s = slot{end: now + period}
	}
	s.n++
	c.slots[key] = s
	return s.n, (s.end - now).Milliseconds()
}

func (c *counts) count(key string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.slots[key]; ok && timex.Now() < s.end {
		return s.n
	}
	return 0
}

func (c *counts) mark(key string, period time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := timex.Now()
	if _, ok := c.slots[key]; ok || c.room(now) {
		c.slots[key] = slot{n: 1, end: now + period}
	}
}

func (c *counts) forget(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.slots, key)
}

// room makes room for one more key if it can, dropping ended windows; c.mu is held.
func (c *counts) room(now time.Duration) bool {
	if len(c.slots) < maxLocalKeys {
		return true
	}
	if now-c.prunedAt < time.Second { // a full scan at most once a second
		return false
	}
	c.prunedAt = now
	for k, s := range c.slots {
		if now >= s.end {
			delete(c.slots, k)
		}
	}
	return len(c.slots) < maxLocalKeys
}
