// Command sandbox is the development payment provider. payment-api hands a buyer its address as
// the payment's payUrl (PAYMENT_PAY_URL); a POST there with the buyer's token pays the payment
// without money and calls payment-api's /payment/v1/callback with a signed body, exactly as a
// real provider would. It is a separate process so that nothing of it is in the production
// payment-api; make run, Compose and the tests start it on 127.0.0.1:8891, and it refuses to run
// in production.
//
//	SANDBOX_LISTEN=127.0.0.1:8891 PAYMENT_API_URL=http://127.0.0.1:8890 PAYMENT_CALLBACK_SECRET=… sandbox
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

// devSecret is payment-api's development callback secret (apps/payment/api/etc/payment-api.yaml).
const devSecret = "dev-only-callback-secret-change-me-0123" //nolint:gosec // public development default, refused in production

func main() {
	flag.Parse()
	selfprobe.RunIfAsked()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "sandbox:", err)
		os.Exit(1)
	}
}

func run() error {
	if err := confx.DevelopmentOnly("The sandbox provider pays without money; production takes its callbacks from the real provider"); err != nil {
		return err
	}
	p := &Provider{
		PaymentAPI: confx.Getenv("PAYMENT_API_URL", "http://127.0.0.1:8890"),
		Secret:     []byte(confx.Getenv("PAYMENT_CALLBACK_SECRET", devSecret)),
		Client:     &http.Client{Timeout: 5 * time.Second},
	}
	addr := confx.Getenv("SANDBOX_LISTEN", "127.0.0.1:8891")
	fmt.Printf("sandbox payment provider (development only) at http://%s/sandbox/pay/, calling %s\n", addr, p.PaymentAPI)
	srv := &http.Server{Addr: addr, Handler: p.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// go-zero's SIGTERM handler runs its shutdown listeners, then kills what is still alive
	// after 5.5 s: closing the server here lets the process end at once.
	proc.AddShutdownListener(func() { _ = srv.Shutdown(context.Background()) })
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
