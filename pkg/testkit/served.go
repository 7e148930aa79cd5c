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
// dev server: which instance took traffic, now that no process logs its calls. It fails when
// the metrics cannot be read.
func (s *Service) Served(method string) (int, error) {
	v, err := s.Metric(fmt.Sprintf(`rpc_server_requests_duration_ms_count{method="%s"}`, method))
	return int(v), err
}

// Metric returns the value of one series (name and labels exactly as /metrics writes them) from
// the service's dev server: 0 when the series is absent (a counter nothing has moved yet), an
// error when /metrics cannot be read or the value is not a number.
func (s *Service) Metric(series string) (float64, error) {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://" + s.DevAddr + "/metrics")
	if err != nil {
		return 0, fmt.Errorf("read %s's metrics: %w", s.Name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("read %s's metrics: %s", s.Name, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("read %s's metrics: %w", s.Name, err)
	}
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindSubmatch(body)
	if m == nil {
		return 0, nil
	}
	v, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		return 0, fmt.Errorf("%s's %s: %w", s.Name, series, err)
	}
	return v, nil
}
