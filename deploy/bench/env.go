package main

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"zeromall/deploy/internal/loadstat"
	"zeromall/deploy/internal/shopclient"
	"zeromall/deploy/internal/statusword"

	_ "github.com/go-sql-driver/mysql"
)

type env struct {
	userAPI, orderAPI, payAPI string
	floorAPI                  string // the hand-wired floor's gateway (deploy/bench/floor)
	userDSN, orderDSN         string
	token                     string   // the bench buyer
	buyers                    []string // tokens of floorBuyers buyers, token first (prepareBuyers)
	productIDs                []int64  // bench products, each stocked so no run sells out
	client                    *http.Client
}

func newEnv() *env {
	return &env{
		userAPI:  envOr("USER_API", "http://127.0.0.1:8888"),
		orderAPI: envOr("ORDER_API", "http://127.0.0.1:8889"),
		payAPI:   envOr("PAYMENT_API", "http://127.0.0.1:8890"),
		floorAPI: envOr("FLOOR_API", "http://127.0.0.1:8991"),
		userDSN:  envOr("USER_DB_DSN", "root:@tcp(127.0.0.1:3306)/zeromall_user?parseTime=true"),
		orderDSN: envOr("ORDER_DB_DSN", "root:@tcp(127.0.0.1:3306)/zeromall_order?parseTime=true"),
		client:   &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}},
	}
}

// prepare registers the bench buyer and stocks a product that no run can sell out.
func (e *env) prepare() error {
	email := fmt.Sprintf("bench-%d@bench.invalid", time.Now().UnixNano())
	var reg struct{ AccessToken string }
	if err := e.post(e.userAPI+"/user/v1/register", "", map[string]any{"email": email, "password": "bench-password", "nickname": "Bench"}, &reg); err != nil {
		return fmt.Errorf("register the bench buyer (is the stack up?): %w", err)
	}
	e.token = reg.AccessToken
	db, err := sql.Open("mysql", e.orderDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	// Orders spread over many products, as a real shop's do: one hot row would measure lock
	// contention on that row, not the write path.
	for i := range benchProducts {
		sku := fmt.Sprintf("BENCH-STOCK-%02d", i)
		// Stock set in SQL is a new opening balance (initial_stock): the ledger records changes.
		if _, err := db.Exec("INSERT INTO products (sku, title, price, stock, initial_stock) VALUES (?, 'Bench item', 100, 1000000000, 1000000000) "+
			"ON DUPLICATE KEY UPDATE stock = 1000000000, initial_stock = 1000000000", sku); err != nil {
			return fmt.Errorf("stock the bench products: %w", err)
		}
		var id int64
		if err := db.QueryRow("SELECT id FROM products WHERE sku = ?", sku).Scan(&id); err != nil {
			return err
		}
		e.productIDs = append(e.productIDs, id)
	}
	return nil
}

const benchProducts = 32

func (e *env) orderBody() string {
	return fmt.Sprintf(`{"items":[{"productId":%d,"quantity":1}]}`, e.productIDs[rand.IntN(len(e.productIDs))])
}

func (e *env) post(url, token string, body, out any) error {
	_, err := shopclient.Do(context.Background(), e.client, shopclient.Request{Method: http.MethodPost, URL: url, Token: token, Body: body}, out)
	return err
}

func (e *env) get(url, token string, out any) error {
	_, err := shopclient.Do(context.Background(), e.client, shopclient.Request{Method: http.MethodGet, URL: url, Token: token}, out)
	return err
}

// wrk runs the load tool against one endpoint and parses its report.
func (e *env) wrk(scenario, endpoint string, conns int, d time.Duration) row {
	base := e.orderAPI
	if strings.HasPrefix(strings.SplitN(endpoint, " ", 2)[1], "/user/") {
		base = e.userAPI
	}
	res := e.runWrk(wrkRun{base: base, endpoint: endpoint, conns: conns, threads: 2, d: d, products: e.productIDs})
	res.row.Scenario = scenario
	return res.row
}

// wrkRun is one run of wrk: endpoint ("METHOD /path", where {cursor} and {id} draw from the
// catalogue) at base; orders spread over products. tokens, when set, are the buyers the
// requests take turns with (otherwise every request is the bench buyer's); statuses counts the
// answers by status (a Lua callback per answer, so only where the split is reported).
type wrkRun struct {
	base, endpoint string
	conns, threads int
	d              time.Duration
	products       []int64
	tokens         []string
	statuses       bool
}

type wrkResult struct {
	row      row
	requests int           // every answer, 2xx or not
	seconds  float64       // how long wrk says it ran
	cpu      time.Duration // what wrk itself used
	statuses map[int]int   // answers by status, when counted
}

func (e *env) runWrk(w wrkRun) wrkResult {
	announce(fmt.Sprintf("wrk %s, %d connections, %s", w.endpoint, w.conns, w.d))
	method, path, _ := strings.Cut(w.endpoint, " ")
	tokens := w.tokens
	if len(tokens) == 0 {
		tokens = []string{e.token}
	}
	lua := wrkScript(method, tokens, w.products, w.statuses)
	if strings.Contains(path, "{") { // a family of paths: each request draws one
		paths := e.catalogueSample(path)
		path = strings.Split(paths[0], "?")[0]
		lua += "local paths = {\"" + strings.Join(paths, "\",\"") + "\"}\n" +
			"request = function()\n  return wrk.format(nil, paths[math.random(#paths)], headers())\nend\n"
	}
	script, err := os.CreateTemp("", "zeromall-*.lua")
	must(err)
	defer os.Remove(script.Name())
	if _, err := script.WriteString(lua); err != nil {
		must(fmt.Errorf("write wrk script: %w", err))
	}
	must(script.Close())
	cmd := exec.Command("wrk", fmt.Sprintf("-t%d", w.threads), fmt.Sprintf("-c%d", w.conns), fmt.Sprintf("-d%ds", int(w.d.Seconds())),
		"--latency", "-s", script.Name(), w.base+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		must(fmt.Errorf("wrk %s: %w\n%s", w.endpoint, err, out))
	}
	res := wrkResult{row: parseWrk("", w.endpoint, w.conns, string(out)), cpu: childCPU(cmd.ProcessState)}
	if m := wrkTotal.FindStringSubmatch(string(out)); m != nil {
		res.requests, _ = strconv.Atoi(m[1])
		res.seconds, _ = strconv.ParseFloat(m[2], 64)
	}
	if w.statuses {
		res.statuses = parseStatuses(string(out))
	}
	return res
}

// wrkScript is the Lua that makes wrk send method requests with the tokens in turn (each wrk
// thread keeps its own turn) and, for a POST, an order of one unit of one of products. With
// statuses, every answer is counted by status and the counts printed as "status N: count".
func wrkScript(method string, tokens []string, products []int64, statuses bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %q\nlocal tokens = {\"%s\"}\nlocal turn = 0\n", method, strings.Join(tokens, "\",\""))
	b.WriteString("function headers()\n" +
		"  turn = turn % #tokens + 1\n" +
		"  local h = {[\"Authorization\"] = \"Bearer \" .. tokens[turn]}\n")
	if method == http.MethodPost {
		b.WriteString("  h[\"Content-Type\"] = \"application/json\"\n")
	}
	b.WriteString("  return h\nend\n")
	if method == http.MethodPost {
		ids := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(products)), ","), "[]")
		b.WriteString("local ids = {" + ids + "}\n" +
			"request = function()\n" +
			"  local body = string.format('{\"items\":[{\"productId\":%d,\"quantity\":1}]}', ids[math.random(#ids)])\n" +
			"  return wrk.format(nil, nil, headers(), body)\n" +
			"end\n")
	} else {
		b.WriteString("request = function()\n  return wrk.format(nil, nil, headers())\nend\n")
	}
	if statuses {
		b.WriteString(`local threads = {}
setup = function(thread) table.insert(threads, thread) end
counts = {}
response = function(status, headers, body) counts[status] = (counts[status] or 0) + 1 end
done = function(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("counts")) do total[status] = (total[status] or 0) + n end
  end
  for status, n in pairs(total) do io.write(string.format("status %d: %d\n", status, n)) end
end
`)
	}
	return b.String()
}

var wrkStatus = regexp.MustCompile(`(?m)^status (\d+): (\d+)$`)

// parseStatuses reads the "status N: count" lines wrkScript's done prints.
func parseStatuses(out string) map[int]int {
	counts := map[int]int{}
	for _, m := range wrkStatus.FindAllStringSubmatch(out, -1) {
		status, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		counts[status] += n
	}
	return counts
}

// catalogueSpread is how many distinct pages or products a browsing run draws from.
const catalogueSpread = 2000

// catalogueSample expands a path family over the whole catalogue, so that a run reads pages and
// products from its beginning to its end, not one cached page: "{cursor}" becomes cursors just
// after random product ids (the bench knows the cursor's format, orders/catalogue.go; clients
// treat it as opaque), "{id}" random product ids.
func (e *env) catalogueSample(family string) []string {
	db, err := sql.Open("mysql", e.orderDSN)
	must(err)
	defer db.Close()
	var lo, hi int64
	must(db.QueryRow("SELECT MIN(id), MAX(id) FROM products").Scan(&lo, &hi))
	paths := make([]string, catalogueSpread)
	for i := range paths {
		id := lo + rand.Int64N(hi-lo+1)
		cursor := base64.RawURLEncoding.EncodeToString([]byte("p" + strconv.FormatInt(id, 10)))
		paths[i] = strings.NewReplacer("{cursor}", cursor, "{id}", strconv.FormatInt(id, 10)).Replace(family)
	}
	return paths
}

var (
	wrkRPS     = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([\d.]+)s`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

func parseWrk(scenario, endpoint string, conns int, out string) row {
	r := row{Scenario: scenario, Endpoint: endpoint, Connections: conns}
	if m := wrkRPS.FindStringSubmatch(out); m != nil {
		r.RPS, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range wrkPct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		switch m[1] {
		case "50":
			r.P50ms = v
		case "90":
			r.P90ms = v
		case "99":
			r.P99ms = v
		}
	}
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		r.Errors, _ = strconv.Atoi(m[1])
	}
	if m := wrkSockErr.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.Errors += n
		}
	}
	return r
}

// purchases runs whole purchases (order → payment → sandbox pay → order paid) from workers.
func (e *env) purchases(workers int, d time.Duration) row {
	announce(fmt.Sprintf("whole purchases, %d buyers, %s", workers, d))
	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    atomic.Int64
		wg      sync.WaitGroup
		started = time.Now()
	)
	deadline := started.Add(d)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				if err := e.purchase(); err != nil {
					errs.Add(1)
					continue
				}
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	r := row{Scenario: "baseline", Endpoint: "purchase (4 calls + outbox)", Connections: workers, Errors: int(errs.Load())}
	r.RPS = float64(len(lat)) / time.Since(started).Seconds()
	r.P50ms, r.P90ms, r.P99ms = pct(lat, 50), pct(lat, 90), pct(lat, 99)
	r.Note = "purchases/s, order paid via the outbox"
	fmt.Fprintf(os.Stderr, "  %-8s %-26s %8.1f purchases/s  p99 %.1f ms  errors %d\n", r.Scenario, r.Endpoint, r.RPS, r.P99ms, r.Errors)
	return r
}

func (e *env) purchase() error {
	var o struct{ Sn string }
	if err := e.post(e.orderAPI+"/order/v1/orders", e.token, e.orderBody(), &o); err != nil {
		return err
	}
	var p struct {
		Sn     string
		PayURL string `json:"payUrl"` // the sandbox provider
	}
	if err := e.post(e.payAPI+"/payment/v1/payments", e.token, map[string]any{"orderSn": o.Sn}, &p); err != nil {
		return err
	}
	if err := e.post(p.PayURL, e.token, nil, nil); err != nil {
		return err
	}
	for range 500 {
		var got struct{ Status string }
		if err := e.get(e.orderAPI+"/order/v1/orders/"+o.Sn, e.token, &got); err != nil {
			return err
		}
		if got.Status == statusword.OrderPaid {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("order %s not paid", o.Sn)
}

// pct is the p-th percentile of l in milliseconds.
func pct(l []time.Duration, p float64) float64 {
	return float64(loadstat.Percentile(l, p)) / float64(time.Millisecond)
}
