package rpcx

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zeromicro/go-zero/core/logx"
	"google.golang.org/grpc"
)

func TestServerSlow_LogsOnlySlowCallsAndNeverTheirContent(t *testing.T) {
	var logged bytes.Buffer
	logx.SetWriter(logx.NewWriter(&logged))
	defer logx.Reset()
	info := &grpc.UnaryServerInfo{FullMethod: "/user.User/Login"}
	for _, tc := range []struct {
		took time.Duration
		logs bool
	}{{0, false}, {slowCall + 50*time.Millisecond, true}} {
		logged.Reset()
		handler := func(context.Context, any) (any, error) { time.Sleep(tc.took); return "answer", nil }
		resp, err := ServerSlow(context.Background(), "secret-password", info, handler)
		if resp != "answer" || err != nil {
			t.Fatalf("the answer changed to %v, %v", resp, err)
		}
		if got := strings.Contains(logged.String(), "slowcall - /user.User/Login"); got != tc.logs {
			t.Errorf("a call of %s: logged=%v (%q)", tc.took, got, logged.String())
		}
		if strings.Contains(logged.String(), "secret-password") {
			t.Errorf("a call of %s: its request was logged", tc.took)
		}
	}
}
