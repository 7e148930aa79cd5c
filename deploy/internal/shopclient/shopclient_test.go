package shopclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestDo_SendsJSONWithTokenAndReadsTheAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Idempotency-Key") != "k1":
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":1401,"msg":"missing or invalid access token"}`))
		case string(body) != `{"n":1}` || r.Header.Get("Content-Type") != "application/json":
			w.WriteHeader(http.StatusBadRequest)
		default:
			_, _ = w.Write([]byte(`{"sn":"42"}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	var out struct{ Sn string }
	status, err := Do(ctx, srv.Client(), Request{Method: http.MethodPost, URL: srv.URL + "/x", Token: "tok",
		Body: map[string]int{"n": 1}, Header: map[string]string{"Idempotency-Key": "k1"}}, &out)
	if status != 200 || err != nil || out.Sn != "42" {
		t.Fatalf("%d %v %+v", status, err, out)
	}
	status, err = Do(ctx, srv.Client(), Request{Method: http.MethodPost, URL: srv.URL + "/x", Body: `{"n":1}`}, nil)
	var se *StatusError
	if status != 401 || !errors.As(err, &se) || se.Status != 401 || se.Path != "/x" {
		t.Fatalf("without a token: %d %v", status, err)
	}
	srv.Close()
	if status, err := Do(ctx, srv.Client(), Request{Method: http.MethodGet, URL: srv.URL}, nil); status != 0 || err == nil {
		t.Fatalf("no server: %d %v", status, err)
	}
}
