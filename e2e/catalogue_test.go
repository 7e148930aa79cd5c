package e2e

import (
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"zeromall/pkg/testkit"
)

// setRole runs `make admin`'s command against the stack, as an operator would.
func (e *orderEnv) setRole(t *testing.T, email, role string) string {
	t.Helper()
	bin := testkit.Build(t, "./apps/user/rpc/cmd/admin")
	cmd := exec.Command(bin, "-f", "apps/user/rpc/etc/user-rpc.yaml", "-role", role, email)
	cmd.Dir = testkit.RepoRoot(t)
	cmd.Env = append(os.Environ(), "ZEROMALL_ENV=development", "USER_DB_DSN="+e.stack.DSN("user"),
		"REDIS_ADDR="+e.stack.Redis.Addr, "JWT_SECRET="+testkit.TestJWTSecret)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("admin %s -role %s: %v\n%s", email, role, err, out)
	}
	return string(out)
}

// admin registers an account, makes it an admin and logs it in again (the role counts from the
// next login).
func (e *orderEnv) admin(t *testing.T) account {
	t.Helper()
	a := e.buyer(t)
	if out := e.setRole(t, a.Email, "admin"); !strings.Contains(out, "is now admin") {
		t.Fatalf("admin command said %q", out)
	}
	login := call(t, http.MethodPost, e.users.base+"/user/v1/login", "", map[string]any{"email": a.Email, "password": a.Password})
	if login.Status != http.StatusOK {
		t.Fatalf("login: %d %s", login.Status, login.Raw)
	}
	a.Token = e.users.keepToken(login.str("accessToken"))
	a.Refresh = e.users.keepToken(login.str("refreshToken"))
	return a
}

func TestCatalogue(t *testing.T) {
	e := startOrderStack(t, nil)
	t.Run("BrowsingPagesByCursor", e.browsingPagesByCursor)
	t.Run("CustomersGet403OnEveryAdminRoute", e.customersGet403OnEveryAdminRoute)
	t.Run("RoleCountsFromTheNextRefreshAndDemotionEndsSessions", e.roleCountsFromTheNextRefresh)
	t.Run("AdminRestocksASoldOutProductABuyerThenOrders", e.adminRestocksASoldOutProduct)
	t.Run("PriceChangesAndArchivingLeaveOrdersAlone", e.priceChangesAndArchivingLeaveOrdersAlone)
	t.Run("AdminBadInputIsRejectedAndChangesNothing", e.adminBadInputIsRejected)
	t.Run("EveryEditableFieldRoundTrips", e.everyEditableFieldRoundTrips)
}

func (e *orderEnv) products(t *testing.T, query string) response {
	t.Helper()
	return call(t, http.MethodGet, e.base+"/order/v1/products"+query, "", nil)
}

func (e *orderEnv) browsingPagesByCursor(t *testing.T) {
	var ids []float64
	cursor, pages := "", 0
	for {
		r := e.products(t, "?limit=4&cursor="+cursor)
		if r.Status != http.StatusOK {
			t.Fatalf("page %d: %d %s", pages, r.Status, r.Raw)
		}
		pages++
		for _, it := range r.JSON["items"].([]any) {
			p := it.(map[string]any)
			if n := len(ids); n > 0 && p["id"].(float64) <= ids[n-1] {
				t.Fatalf("product %v after %v", p["id"], ids[n-1])
			}
			ids = append(ids, p["id"].(float64))
		}
		if cursor = r.str("nextCursor"); cursor == "" {
			break
		}
		if pages > 100 {
			t.Fatal("the cursor never ends")
		}
	}
	if len(ids) < 6 || pages != (len(ids)+3)/4 {
		t.Fatalf("%d products on %d pages of 4", len(ids), pages)
	}
	one := call(t, http.MethodGet, fmt.Sprintf("%s/order/v1/products/%d", e.base, productMug), "", nil)
	if one.Status != http.StatusOK || one.JSON["title"] != "go-zero mug" || one.JSON["price"].(float64) != 1250 {
		t.Fatalf("product page: %d %s", one.Status, one.Raw)
	}
	expectError(t, call(t, http.MethodGet, e.base+"/order/v1/products/999999", "", nil), 404, 3007, "product not found")
	expectError(t, e.products(t, "?limit=101"), 400, 1400, "limit")
	expectError(t, e.products(t, "?limit=0x10"), 400, 1400, "limit")
	expectError(t, e.products(t, "?cursor=%2F%2F%2F"), 400, 1400, "cursor")
}

// adminRoutes are every admin route with a body a real admin could send.
func adminRoutes(id int) []struct {
	method, path string
	body         any
} {
	p := fmt.Sprintf("/order/v1/admin/products/%d", id)
	return []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/order/v1/admin/products", map[string]any{"title": "Sneaky", "price": 1, "stock": 1000}},
		{http.MethodPut, p, map[string]any{"price": 1}},
		{http.MethodPost, p + "/stock", map[string]any{"delta": 1000, "reason": "free stock"}},
		{http.MethodGet, p + "/ledger", nil},
		{http.MethodGet, p + "/sales", nil},
	}
}

func (e *orderEnv) customersGet403OnEveryAdminRoute(t *testing.T) {
	customer := e.buyer(t)
	before, price := e.stock(t, productHat), 0
	_ = e.db(t).QueryRow("SELECT price FROM products WHERE id = ?", productHat).Scan(&price)
	products := e.countProducts(t)
	for _, rt := range adminRoutes(productHat) {
		expectError(t, call(t, rt.method, e.base+rt.path, customer.Token, rt.body), 403, 1403, "for admins")
		expectError(t, call(t, rt.method, e.base+rt.path, "", rt.body), 401, 1401, "access token")
	}
	var after int
	_ = e.db(t).QueryRow("SELECT price FROM products WHERE id = ?", productHat).Scan(&after)
	if e.stock(t, productHat) != before || after != price || e.countProducts(t) != products {
		t.Fatal("a customer's admin request changed the catalogue")
	}
}

func (e *orderEnv) countProducts(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db(t).QueryRow("SELECT COUNT(*) FROM products").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *orderEnv) roleCountsFromTheNextRefresh(t *testing.T) {
	a := e.buyer(t)
	ledger := e.base + fmt.Sprintf("/order/v1/admin/products/%d/ledger", productTee)
	e.setRole(t, a.Email, "admin")
	expectError(t, call(t, http.MethodGet, ledger, a.Token, nil), 403, 1403, "for admins") // minted as a customer
	refreshed := call(t, http.MethodPost, e.users.base+"/user/v1/refresh", "", map[string]any{"refreshToken": a.Refresh})
	if refreshed.Status != http.StatusOK {
		t.Fatalf("refresh: %d %s", refreshed.Status, refreshed.Raw)
	}
	token := e.users.keepToken(refreshed.str("accessToken"))
	if r := call(t, http.MethodGet, ledger, token, nil); r.Status != http.StatusOK {
		t.Fatalf("ledger with the refreshed admin token: %d %s", r.Status, r.Raw)
	}
	// Its registration and its login each opened a session.
	if out := e.setRole(t, a.Email, "customer"); !strings.Contains(out, "is now customer; 2 session(s) ended") {
		t.Fatalf("demotion said %q", out)
	}
	expectError(t, call(t, http.MethodGet, ledger, token, nil), 401, 2006, "session has ended")
}

func (e *orderEnv) adminRestocksASoldOutProduct(t *testing.T) {
	admin, buyer := e.admin(t), e.buyer(t)
	created := call(t, http.MethodPost, e.base+"/order/v1/admin/products", admin.Token,
		map[string]any{"title": "Limited gopher plush", "price": 2999, "stock": 1})
	if created.Status != http.StatusOK || created.JSON["stock"].(float64) != 1 || created.JSON["active"] != true {
		t.Fatalf("create: %d %s", created.Status, created.Raw)
	}
	id := int(created.JSON["id"].(float64))
	page := fmt.Sprintf("%s/order/v1/products/%d", e.base, id)
	if r := call(t, http.MethodGet, page, "", nil); r.Status != 200 || r.JSON["title"] != "Limited gopher plush" {
		t.Fatalf("new product's page: %d %s", r.Status, r.Raw)
	}
	first := e.order(t, buyer.Token, [2]int{id, 1})
	if first.Status != http.StatusOK {
		t.Fatalf("first order: %d %s", first.Status, first.Raw)
	}
	expectError(t, e.order(t, buyer.Token, [2]int{id, 1}), 409, 3002, "out of stock")
	if r := call(t, http.MethodGet, page, "", nil); r.JSON["stock"].(float64) != 0 {
		t.Fatalf("sold-out product's page shows stock %v", r.JSON["stock"])
	}
	stock := fmt.Sprintf("%s/order/v1/admin/products/%d/stock", e.base, id)
	expectError(t, call(t, http.MethodPost, stock, admin.Token, map[string]any{"delta": -1, "reason": "shrinkage"}), 409, 3008, "stock is 0")
	restocked := call(t, http.MethodPost, stock, admin.Token, map[string]any{"delta": 5, "reason": "second batch"})
	if restocked.Status != http.StatusOK || restocked.JSON["stock"].(float64) != 5 {
		t.Fatalf("restock: %d %s", restocked.Status, restocked.Raw)
	}
	if r := call(t, http.MethodGet, page, "", nil); r.JSON["stock"].(float64) != 5 {
		t.Fatalf("restocked product's page shows stock %v (stale cache?)", r.JSON["stock"])
	}
	second := e.order(t, buyer.Token, [2]int{id, 2})
	if second.Status != http.StatusOK {
		t.Fatalf("order after the restock: %d %s", second.Status, second.Raw)
	}
	cancel := call(t, http.MethodPost, e.base+"/order/v1/orders/"+second.str("sn")+"/cancel", buyer.Token, nil)
	if cancel.Status != http.StatusOK {
		t.Fatalf("cancel: %d %s", cancel.Status, cancel.Raw)
	}

	ledger := call(t, http.MethodGet, fmt.Sprintf("%s/order/v1/admin/products/%d/ledger?limit=2", e.base, id), admin.Token, nil)
	if ledger.Status != http.StatusOK || ledger.str("nextCursor") == "" {
		t.Fatalf("ledger: %d %s", ledger.Status, ledger.Raw)
	}
	rows := ledger.JSON["items"].([]any)
	more := call(t, http.MethodGet, fmt.Sprintf("%s/order/v1/admin/products/%d/ledger?limit=2&cursor=%s", e.base, id, ledger.str("nextCursor")), admin.Token, nil)
	rows = append(rows, more.JSON["items"].([]any)...)
	var got []string
	for _, r := range rows {
		c := r.(map[string]any)
		got = append(got, fmt.Sprintf("%s %+.0f %s admin=%v", c["kind"], c["delta"], c["orderSn"], c["adminId"].(float64) == float64(admin.ID)))
	}
	want := []string{
		"cancel +2 " + second.str("sn") + " admin=false",
		"order -2 " + second.str("sn") + " admin=false",
		"adjustment +5  admin=true",
		"order -1 " + first.str("sn") + " admin=false",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || more.str("nextCursor") != "" {
		t.Fatalf("ledger:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	e.checkLedger(t)
}

// checkLedger asserts stock = initial stock + the sum of the ledger, for every product.
func (e *orderEnv) checkLedger(t *testing.T) {
	t.Helper()
	for _, bad := range ledgerMismatches(t, e.db(t)) {
		t.Error(bad)
	}
}

// ledgerMismatches lists the products whose stock is not their initial stock plus their ledger.
func ledgerMismatches(t *testing.T, db *sql.DB) []string {
	t.Helper()
	var bad []string
	rows := query(t, db, "SELECT p.id, p.stock, p.initial_stock + COALESCE(SUM(l.delta), 0) FROM products p "+
		"LEFT JOIN stock_ledger l ON l.product_id = p.id GROUP BY p.id, p.stock, p.initial_stock")
	for rows.Next() {
		var id, stock, booked int64
		if err := rows.Scan(&id, &stock, &booked); err != nil {
			t.Fatal(err)
		}
		if stock != booked {
			bad = append(bad, fmt.Sprintf("product %d: stock %d, but initial stock + ledger = %d", id, stock, booked))
		}
	}
	closeRows(t, rows)
	return bad
}

func (e *orderEnv) priceChangesAndArchivingLeaveOrdersAlone(t *testing.T) {
	admin, buyer := e.admin(t), e.buyer(t)
	created := call(t, http.MethodPost, e.base+"/order/v1/admin/products", admin.Token,
		map[string]any{"sku": "ZM-E2E-" + strings.ToUpper(uniqueEmail("x")[:8]), "title": "Seasonal scarf", "price": 1800, "stock": 10})
	if created.Status != http.StatusOK {
		t.Fatalf("create: %d %s", created.Status, created.Raw)
	}
	id := int(created.JSON["id"].(float64))
	bought := e.order(t, buyer.Token, [2]int{id, 1})
	if bought.Status != http.StatusOK {
		t.Fatalf("order: %d %s", bought.Status, bought.Raw)
	}
	edit := fmt.Sprintf("%s/order/v1/admin/products/%d", e.base, id)
	r := call(t, http.MethodPut, edit, admin.Token, map[string]any{"title": "Winter scarf", "price": 2400})
	if r.Status != http.StatusOK || r.JSON["price"].(float64) != 2400 || r.JSON["title"] != "Winter scarf" || r.JSON["stock"].(float64) != 9 {
		t.Fatalf("edit: %d %s", r.Status, r.Raw)
	}
	again := call(t, http.MethodGet, e.base+"/order/v1/orders/"+bought.str("sn"), buyer.Token, nil)
	line := again.JSON["items"].([]any)[0].(map[string]any)
	if line["price"].(float64) != 1800 || line["title"] != "Seasonal scarf" || again.JSON["totalAmount"].(float64) != 1800 {
		t.Fatalf("the earlier order changed with the product: %s", again.Raw)
	}
	if r := call(t, http.MethodPut, edit, admin.Token, map[string]any{"active": false}); r.Status != 200 || r.JSON["active"] != false {
		t.Fatalf("archive: %d %s", r.Status, r.Raw)
	}
	expectError(t, call(t, http.MethodGet, fmt.Sprintf("%s/order/v1/products/%d", e.base, id), "", nil), 404, 3007, "product not found")
	for cursor := ""; ; {
		page := e.products(t, "?limit=100&cursor="+cursor)
		for _, it := range page.JSON["items"].([]any) {
			if int(it.(map[string]any)["id"].(float64)) == id {
				t.Fatal("an archived product is still listed")
			}
		}
		if cursor = page.str("nextCursor"); cursor == "" {
			break
		}
	}
	expectError(t, e.order(t, buyer.Token, [2]int{id, 1}), 400, 3001, "no longer for sale")
	if r := call(t, http.MethodPut, edit, admin.Token, map[string]any{"active": true}); r.Status != 200 {
		t.Fatalf("restore: %d %s", r.Status, r.Raw)
	}
	if r := e.order(t, buyer.Token, [2]int{id, 1}); r.Status != 200 || r.JSON["totalAmount"].(float64) != 2400 {
		t.Fatalf("order after restoring: %d %s", r.Status, r.Raw)
	}
	dup := call(t, http.MethodPost, e.base+"/order/v1/admin/products", admin.Token,
		map[string]any{"sku": created.str("sku"), "title": "Copy", "price": 1, "stock": 1})
	expectError(t, dup, 409, 3009, "sku")
}

func (e *orderEnv) adminBadInputIsRejected(t *testing.T) {
	admin := e.admin(t)
	products, stock := e.countProducts(t), e.stock(t, productMug)
	var ledgerRows int
	_ = e.db(t).QueryRow("SELECT COUNT(*) FROM stock_ledger").Scan(&ledgerRows)
	create := e.base + "/order/v1/admin/products"
	edit := fmt.Sprintf("%s/order/v1/admin/products/%d", e.base, productMug)
	cases := []struct {
		method, url string
		body        any
		field       string
	}{
		{http.MethodPost, create, map[string]any{"price": 100, "stock": 1}, "title"},
		{http.MethodPost, create, map[string]any{"title": " ", "price": 100, "stock": 1}, "title"},
		{http.MethodPost, create, map[string]any{"title": strings.Repeat("é", 129), "price": 100, "stock": 1}, "title"},
		{http.MethodPost, create, map[string]any{"title": "Float", "price": 9.99, "stock": 1}, "price"},
		{http.MethodPost, create, map[string]any{"title": "Free", "price": 0, "stock": 1}, "price"},
		{http.MethodPost, create, map[string]any{"title": "Negative", "price": 100, "stock": -1}, "stock"},
		{http.MethodPost, create, map[string]any{"title": "Sku", "sku": "has space", "price": 100, "stock": 1}, "sku"},
		{http.MethodPut, edit, map[string]any{}, "title"},
		{http.MethodPut, edit, map[string]any{"price": -5}, "price"},
		{http.MethodPut, edit, map[string]any{"active": "no"}, "active"},
		{http.MethodPost, edit + "/stock", map[string]any{"delta": 0, "reason": "nothing"}, "delta"},
		{http.MethodPost, edit + "/stock", map[string]any{"delta": 5}, "reason"},
		{http.MethodPost, edit + "/stock", map[string]any{"delta": 5, "reason": strings.Repeat("r", 129)}, "reason"},
		{http.MethodGet, edit + "/ledger?cursor=bogus", nil, "cursor"},
		{http.MethodGet, edit + "/ledger?limit=1000", nil, "limit"},
	}
	for _, c := range cases {
		r := call(t, c.method, c.url, admin.Token, c.body)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.str("msg"), c.field) {
			t.Errorf("%s %s %v: %d %s, want 400 naming %s", c.method, strings.TrimPrefix(c.url, e.base), c.body, r.Status, r.Raw, c.field)
		}
	}
	expectError(t, call(t, http.MethodPut, e.base+"/order/v1/admin/products/999999", admin.Token, map[string]any{"price": 5}), 404, 3007, "product not found")
	expectError(t, call(t, http.MethodGet, e.base+"/order/v1/admin/products/999999/ledger", admin.Token, nil), 404, 3007, "product not found")
	expectError(t, call(t, http.MethodGet, e.base+"/order/v1/admin/products/999999/sales", admin.Token, nil), 404, 3007, "product not found")
	var after int
	_ = e.db(t).QueryRow("SELECT COUNT(*) FROM stock_ledger").Scan(&after)
	if e.countProducts(t) != products || e.stock(t, productMug) != stock || after != ledgerRows {
		t.Fatal("rejected admin requests changed the catalogue")
	}
}
