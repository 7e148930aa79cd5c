// Command explorer is the development API explorer: Swagger UI over the three gateways' generated
// OpenAPI files (doc/api), whose "Try it out" calls the real gateways from the browser. make run
// and Compose start it on 127.0.0.1:8880. It refuses to run in production, where nothing should
// let anyone who reaches it try every route.
//
//	EXPLORER_LISTEN=127.0.0.1:8880 USER_API_URL=http://127.0.0.1:8888 explorer
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"zeromall/pkg/confx"
	"zeromall/pkg/selfprobe"

	"github.com/zeromicro/go-zero/core/proc"
)

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "explorer:", err)
		os.Exit(1)
	}
}

func run() error {
	if err := confx.DevelopmentOnly("The API explorer is a development tool (it lets whoever reaches it try every route); production gateways allow no browser origin unless CORS_ORIGINS lists one"); err != nil {
		return err
	}
	apis := []API{
		{Name: "user-api", Spec: "user.json", Gateway: confx.Getenv("USER_API_URL", "http://127.0.0.1:8888")},
		{Name: "order-api", Spec: "order.json", Gateway: confx.Getenv("ORDER_API_URL", "http://127.0.0.1:8889")},
		{Name: "payment-api", Spec: "payment.json", Gateway: confx.Getenv("PAYMENT_API_URL", "http://127.0.0.1:8890")},
	}
	e, err := New(confx.Getenv("EXPLORER_SPECS", "doc/api"), apis)
	if err != nil {
		return err
	}
	addr := confx.Getenv("EXPLORER_LISTEN", "127.0.0.1:8880")
	fmt.Printf("API explorer (development only) at http://%s/\n", addr)
	for _, a := range apis {
		fmt.Printf("  %-12s calls %s\n", a.Name, a.Gateway)
	}
	srv := &http.Server{Addr: addr, Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// go-zero's SIGTERM handler runs its shutdown listeners, then kills what is still alive
	// after 5.5 s: closing the server here lets the process end at once.
	proc.AddShutdownListener(func() { _ = srv.Shutdown(context.Background()) })
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
