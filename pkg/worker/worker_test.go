package worker

import (
	"sync/atomic"
	"testing"
	"time"
)

func TestLoop_RunsOnTicksAndWakesAndStopsAfterTheRound(t *testing.T) {
	var rounds atomic.Int32
	wake := make(chan struct{}, 1)
	release := make(chan struct{})
	l := Start(time.Hour, wake, func(stop <-chan struct{}) {
		rounds.Add(1)
		<-release
	})
	wake <- struct{}{}
	deadline := time.Now().Add(5 * time.Second)
	for rounds.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if rounds.Load() != 1 {
		t.Fatal("a wake-up did not start a round")
	}
	stopped := make(chan struct{})
	go func() { l.Stop(); close(stopped) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a round was running")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-stopped
}

func TestLoop_TicksWithoutWake(t *testing.T) {
	var rounds atomic.Int32
	l := Start(5*time.Millisecond, nil, func(<-chan struct{}) { rounds.Add(1) })
	deadline := time.Now().Add(5 * time.Second)
	for rounds.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	l.Stop()
	if rounds.Load() < 2 {
		t.Fatalf("%d rounds", rounds.Load())
	}
}
