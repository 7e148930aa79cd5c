// Package selfprobe makes every service binary its own health probe. The images are FROM scratch
// (no shell, no wget), and a separate probe binary would add megabytes to each; the service
// already links net/http, so Compose's health check runs the service itself:
//
//	/app/app -probe http://127.0.0.1:6471/healthz
//
// which GETs the URL and exits 0 on a 2xx answer, 1 otherwise, without loading any config.
package selfprobe

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"
)

const timeout = 2 * time.Second

var url = flag.String("probe", "", "GET this URL and exit: 0 on a 2xx answer, 1 otherwise (the image's health check)")

// RunIfAsked probes and exits when the command line has -probe; it returns otherwise. Call it
// right after flag.Parse.
func RunIfAsked() {
	if *url == "" {
		return
	}
	if err := Probe(context.Background(), *url); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// Probe GETs url within 2 s and returns nil on a 2xx answer.
func Probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("probe: %s answered %s", url, resp.Status)
	}
	return nil
}
