package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zeromall/pkg/testkit"

	"github.com/chromedp/chromedp"
)

// disallowedHost is a name the browser resolves to 127.0.0.1 (host-resolver-rules), so that a
// page can be served from an origin no development gateway allows.
const disallowedHost = "evil.test"

// TestBrowser drives Debian's chromium, headless, through the API explorer against the whole
// stack: the explorer lists the three APIs; register, log in, authorize, read /me, order and pay
// at the sandbox provider, and the payment shows succeeded through the page's own controls; then a page on an allowed origin reads a
// gateway's answer and a page on a disallowed one cannot.
func TestBrowser(t *testing.T) {
	e := startPaymentStack(t, nil, nil)
	exploreTheShop(t, startExplorer(t, e.users.base, e.base, e.pay), e.users.base)
}

func exploreTheShop(t *testing.T, explorer, userAPI string) {
	page := &explorerPage{t: t, ctx: startBrowser(t)}

	page.open(explorer)
	if got := page.apis(); strings.Join(got, ",") != "user-api,order-api,payment-api" {
		t.Fatalf("the explorer lists %v, want user-api, order-api and payment-api", got)
	}
	t.Logf("browser: the explorer lists %v", page.apis())

	email := uniqueEmail("browser")
	reg := page.try("accountRegister", map[string]string{"body": fmt.Sprintf(`{"email":%q,"password":"browser-pass-1","nickname":"Browser"}`, email)})
	reg.expect(t, http.StatusOK, "accessToken")
	login := page.try("accountLogin", map[string]string{"body": fmt.Sprintf(`{"email":%q,"password":"browser-pass-1"}`, email)})
	token := login.expect(t, http.StatusOK, "accessToken")["accessToken"].(string)

	page.authorize("Bearer " + token)
	me := page.try("profileGetMe", nil).expect(t, http.StatusOK, "email")
	if me["email"] != email {
		t.Fatalf("/me through the page read %v, want %s", me, email)
	}
	page.screenshot("explorer-me.png")

	page.selectAPI("order-api")
	order := page.try("ordersCreateOrder", map[string]string{"body": fmt.Sprintf(`{"items":[{"productId":%d,"quantity":1}]}`, productMug)}).
		expect(t, http.StatusOK, "sn")
	answers := page.documented("ordersCreateOrder")
	if !strings.Contains(answers["409"], "3002: out of stock") || !strings.Contains(answers["401"], "1401") || !strings.Contains(answers["503"], "1503") {
		t.Fatalf("the explorer shows ordersCreateOrder's answers as %v, want its 401, 409 and 503 with their codes", answers)
	}
	first, _, _ := strings.Cut(answers["409"], "\n")
	t.Logf("browser: the explorer documents ordersCreateOrder's 409 as %q", first)
	page.selectAPI("payment-api")
	payment := page.try("paymentsCreatePayment", map[string]string{"body": fmt.Sprintf(`{"orderSn":%q}`, order["sn"])}).
		expect(t, http.StatusOK, "sn")
	// The buyer pays at the provider (the sandbox, a process outside the API), then the explorer
	// shows the payment succeeded.
	if r := call(t, http.MethodPost, payment["payUrl"].(string), token, nil); r.Status != http.StatusOK {
		t.Fatalf("the sandbox answered %d %s", r.Status, r.Raw)
	}
	paid := page.try("paymentsGetPayment", map[string]string{"sn": payment["sn"].(string)}).expect(t, http.StatusOK, "status")
	if paid["status"] != "succeeded" {
		t.Fatalf("the explorer shows the paid payment as %v, want succeeded", paid)
	}
	page.screenshot("explorer-payment-paid.png")

	pages := startOriginPages(t)
	allowed := page.fetchFrom("http://localhost:"+pages, userAPI+"/user/v1/me", token)
	if allowed.Error != "" || allowed.Status != http.StatusOK || !strings.Contains(allowed.Body, email) || allowed.TraceID == "" {
		t.Fatalf("a page on an allowed origin: %+v, want 200 with the caller and a readable X-Trace-Id", allowed)
	}
	t.Logf("browser: fetch from http://localhost:%s read %d, X-Trace-Id %s, %s", pages, allowed.Status, allowed.TraceID, allowed.Body)
	refused := page.fetchFrom("http://"+disallowedHost+":"+pages, userAPI+"/user/v1/me", token)
	if refused.Error == "" || refused.Status != 0 {
		t.Fatalf("a page on a disallowed origin: %+v, want its fetch to fail on CORS", refused)
	}
	t.Logf("browser: fetch from http://%s:%s failed: %s", disallowedHost, pages, refused.Error)
}

// startExplorer runs deploy/explorer against the three gateways.
func startExplorer(t *testing.T, userAPI, orderAPI, paymentAPI string) string {
	t.Helper()
	addr := testkit.FreeAddrs(t, 1)[0]
	p := testkit.StartProcess(t, "explorer", testkit.Build(t, "./deploy/explorer"), nil, map[string]string{
		"ZEROMALL_ENV":    "development",
		"EXPLORER_LISTEN": addr,
		"USER_API_URL":    userAPI,
		"ORDER_API_URL":   orderAPI,
		"PAYMENT_API_URL": paymentAPI,
	})
	p.WaitHealthy(addr, 30*time.Second)
	return "http://" + addr + "/"
}

// startBrowser starts the system's chromium (never a downloaded browser), headless.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium is not installed; deploy/scripts/deps.sh browser installs Debian's")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where chromium's sandbox cannot start
		chromedp.Flag("host-resolver-rules", "MAP "+disallowedHost+" 127.0.0.1"),
		chromedp.WindowSize(1280, 1600),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithErrorf(t.Logf))
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancel(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// startOriginPages serves an empty page on one port, which the test opens under two origins:
// localhost (allowed in development) and disallowedHost.
func startOriginPages(t *testing.T) (port string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<!doctype html><title>a front end</title>"))
	}))
	t.Cleanup(srv.Close)
	_, port, _ = net.SplitHostPort(srv.Listener.Addr().String())
	return port
}

// explorerPage is the explorer open in the browser; its methods use the page's own controls.
type explorerPage struct {
	t   *testing.T
	ctx context.Context
}

// stepTimeout bounds one step, so that a selector the page never shows fails the test soon.
const stepTimeout = 30 * time.Second

func (p *explorerPage) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := p.do(steps...); err != nil {
		p.t.Fatalf("browser: %s: %v", what, err)
	}
}

func (p *explorerPage) do(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

// read runs one action that reads a value from the page.
func read[T any](p *explorerPage, what string, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

func (p *explorerPage) open(url string) {
	p.t.Helper()
	p.run("open the explorer", chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS(`.opblock`)))
}

// apis reads the definitions the explorer's top bar offers.
func (p *explorerPage) apis() []string {
	p.t.Helper()
	return read(p, "read the API list", chromedp.Evaluate[[]string](`[...document.querySelectorAll("#select option")].map(o => o.textContent)`))
}

// selectAPI picks a definition in the top bar and waits for its operations.
func (p *explorerPage) selectAPI(name string) {
	p.t.Helper()
	p.run("select "+name,
		void(chromedp.Evaluate[any](fmt.Sprintf(`(() => {
			const select = document.querySelector("#select");
			const option = [...select.options].find(o => o.textContent === %q);
			Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, "value").set.call(select, option.value);
			select.dispatchEvent(new Event("change", {bubbles: true}));
		})()`, name))),
		void(chromedp.Poll[bool](fmt.Sprintf(`document.querySelector(".information-container .title")?.textContent.includes(%q) && !!document.querySelector(".opblock")`, "zeromall "+name))),
	)
}

// authorize enters a value in the Authorize dialog, as a developer pastes a token.
func (p *explorerPage) authorize(value string) {
	p.t.Helper()
	p.run("authorize",
		chromedp.Click(chromedp.CSS(`.auth-wrapper .authorize`)),
		chromedp.WaitVisible(chromedp.CSS(`.modal-ux input[type=text]`)),
		chromedp.SendKeys(chromedp.CSS(`.modal-ux input[type=text]`), value),
		chromedp.Click(chromedp.CSS(`.modal-ux .auth-btn-wrapper .authorize`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.modal-ux input[type=text]`)), // the value is shown masked once applied
		chromedp.Click(chromedp.CSS(`.modal-ux .btn-done`)),
		chromedp.WaitNotPresent(chromedp.CSS(`.modal-ux`)),
	)
	p.t.Logf("browser: authorized with the access token (%d bytes)", len(value))
}

// answer is what the page shows of a request it sent.
type answer struct {
	op     string
	status int
	body   string
}

// try opens an operation, fills its parameters ("body" is the JSON body, any other key a
// parameter's input) and executes it, then reads the status and body the page shows.
func (p *explorerPage) try(operationID string, params map[string]string) answer {
	p.t.Helper()
	op := "#operations-default-" + operationID
	p.run("open "+operationID,
		chromedp.ScrollIntoView(chromedp.CSS(op)),
		chromedp.Click(chromedp.CSS(op+" .opblock-summary-control")),
		chromedp.WaitVisible(chromedp.CSS(op+" .execute")),
		// Swagger UI resolves an operation when it opens; executing one before that ends fails
		// in the page ("OperationNotFoundError") and sends nothing.
		void(chromedp.Poll[bool](fmt.Sprintf(`(() => {
			const block = document.querySelector(%q);
			const method = [...block.classList].map(c => c.match(/^opblock-(get|put|post|delete|patch)$/)).find(m => m)[1];
			const path = block.querySelector(".opblock-summary-path").dataset.path;
			return !!window.ui.specSelectors.specResolvedSubtree(["paths", path, method]);
		})()`, op))),
	)
	for name, value := range params {
		field := op + ` tr[data-param-name="` + name + `"] input`
		if name == "body" {
			field = op + " textarea.body-param__text"
		}
		p.run("fill "+name+" of "+operationID, fill(field, value))
	}
	err := p.do(
		chromedp.Click(chromedp.CSS(op+" .execute")),
		chromedp.WaitVisible(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")),
	)
	if err != nil {
		shown, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, op)))
		p.t.Fatalf("browser: execute %s: %v; the operation shows:\n%s", operationID, err, shown)
	}
	status := read(p, "read the status of "+operationID, chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .response-col_status")))
	body := read(p, "read the body of "+operationID, chromedp.Text(chromedp.CSS(op+" .live-responses-table tbody .highlight-code pre")))
	a := answer{op: operationID, body: compact(body)}
	if _, err := fmt.Sscan(status, &a.status); err != nil {
		p.t.Fatalf("browser: %s: the page shows status %q", operationID, status)
	}
	p.t.Logf("browser: %s read %d %s", operationID, a.status, a.body)
	return a
}

// documented reads the answers an open operation documents: status → description.
func (p *explorerPage) documented(operationID string) map[string]string {
	p.t.Helper()
	rows := "#operations-default-" + operationID + " tr.response"
	return read(p, "read the documented answers of "+operationID, chromedp.Evaluate[map[string]string](fmt.Sprintf(
		`Object.fromEntries([...document.querySelectorAll(%q)].map(r => [r.dataset.code, r.querySelector(".response-col_description")?.innerText ?? ""]))`, rows)))
}

// fill types into a field React owns: the value is set through the element's own setter and an
// input event, which is what React listens to (it ignores a bare .value assignment); leaving the
// field makes Swagger UI's debounced parameter inputs take the value at once.
func fill(selector, value string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
		el.focus();
		Object.getOwnPropertyDescriptor(proto, "value").set.call(el, %q);
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.blur();
	})()`, selector, value)
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(selector)), void(chromedp.Evaluate[any](js)))
}

// expect checks the status and that the JSON body has key, and returns the body.
func (a answer) expect(t *testing.T, status int, key string) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal([]byte(a.body), &body); a.status != status || err != nil || body[key] == nil {
		t.Fatalf("%s through the page: %d %s, want %d with %q", a.op, a.status, a.body, status, key)
	}
	return body
}

// crossOrigin is what a page's fetch of a gateway could read.
type crossOrigin struct {
	Status  int
	TraceID string
	Body    string
	Error   string
}

// fetchFrom opens a page on origin and has it fetch url with the bearer token, as a front end would.
func (p *explorerPage) fetchFrom(origin, url, token string) crossOrigin {
	p.t.Helper()
	js := fmt.Sprintf(`fetch(%q, {headers: {Authorization: "Bearer " + %q}})
		.then(async r => ({Status: r.status, TraceID: r.headers.get("X-Trace-Id") || "", Body: await r.text(), Error: ""}))
		.catch(e => ({Status: 0, TraceID: "", Body: "", Error: String(e)}))`, url, token)
	p.run("open a page on "+origin, chromedp.Navigate(origin+"/"))
	return read(p, "fetch from "+origin, chromedp.Evaluate[crossOrigin](js, chromedp.EvalAwaitPromise))
}

// screenshot saves the page under the test's artifacts (go test -artifacts; make test keeps them
// in .run/test-output).
func (p *explorerPage) screenshot(name string) {
	p.t.Helper()
	png := read(p, "screenshot", chromedp.FullScreenshot(100))
	path := filepath.Join(p.t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o600); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("browser: screenshot %s (%d bytes)", path, len(png))
}

// void drops an action's value, to run it among steps.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}

// compact puts a JSON body the page shows on one line, for the log.
func compact(body string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(body)) != nil {
		return strings.TrimSpace(body)
	}
	return b.String()
}
