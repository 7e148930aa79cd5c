package composecheck

import (
	"bytes"
	"testing"

	"github.com/zeromicro/go-zero/core/logx"
)

// The log check reads go-zero's own output: lines written by logx with the services' plain
// encoding must be told apart by level.
func TestErrorLine_MatchesGoZeroPlainErrorsOnly(t *testing.T) {
	var buf bytes.Buffer
	logx.MustSetup(logx.LogConf{Encoding: "plain", Level: "info"})
	logx.SetWriter(logx.NewWriter(&buf))
	t.Cleanup(func() { logx.Reset() })

	logx.Info("order created, error budget fine")
	logx.Slow("a slow call that mentions error")
	if got := errorLine.FindAllString(buf.String(), -1); len(got) != 0 {
		t.Fatalf("info and slow lines taken for errors: %q", got)
	}
	logx.Error("rpc order.rpc unavailable")
	if got := errorLine.FindAllString(buf.String(), -1); len(got) != 1 {
		t.Fatalf("an error line not found once in %q: %q", buf.String(), got)
	}
}
