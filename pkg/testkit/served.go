package testkit

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// Served returns how many calls of method (a full gRPC method, "/order.Order/ListProducts")
// an rpc service has answered, from go-zero's rpc_server_requests_duration_ms histogram on its
// dev server: which instance took traffic, now that no process logs its calls. 0 when the
// metrics cannot be read.
func (s *Service) Served(method string) int {
	return int(s.Metric(fmt.Sprintf(`rpc_server_requests_duration_ms_count{method="%s"}`, method)))
}

// Metric returns the value of one series (name and labels exactly as /metrics writes them) from
// the service's dev server; 0 when it is absent or the metrics cannot be read.
func (s *Service) Metric(series string) float64 {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + s.DevAddr + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}
