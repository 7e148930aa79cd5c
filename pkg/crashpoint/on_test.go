//go:build crashpoints

package crashpoint

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// The test runs itself as a child with one point armed: reaching it must kill the child by
// SIGKILL, and an unarmed point must not.
func TestHit_KillsOnlyAtArmedPoints(t *testing.T) {
	if point := os.Getenv("CRASHPOINT_CHILD"); point != "" {
		Hit("not.armed")
		Hit(point)
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHit_KillsOnlyAtArmedPoints$")
	cmd.Env = append(os.Environ(), "CRASHPOINT_CHILD=order.paid", EnvVar+"=user.profile, order.paid")
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("the child was not killed: %v", err)
	}
	if ws, ok := ee.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child ended with %v, want SIGKILL", ee)
	}

	cmd = exec.Command(os.Args[0], "-test.run", "^TestHit_KillsOnlyAtArmedPoints$")
	cmd.Env = append(os.Environ(), "CRASHPOINT_CHILD=order.cancelled", EnvVar+"=order.paid")
	if err := cmd.Run(); err != nil {
		t.Fatalf("an unarmed point killed the child: %v", err)
	}
}

func TestParse_SharesOfHits(t *testing.T) {
	got := parse(" order.paid, payment.refunded@0.05 ,,")
	if len(got) != 2 || got["order.paid"] != 1 || got["payment.refunded"] != 0.05 {
		t.Fatalf("parse = %v", got)
	}
	for _, bad := range []string{"a@0", "a@1.5", "a@x"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%q is accepted", bad)
				}
			}()
			parse(bad)
		}()
	}
}
