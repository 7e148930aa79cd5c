package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"
	ordermodel "zeromall/apps/order/model"
	paymentmodel "zeromall/apps/payment/model"
	"zeromall/deploy/internal/statusword"
)

// The checker runs after every fault: the invariants of the chaos run (e2e), read from the
// database in one consistent snapshot and, for every write acknowledged in the fault's window,
// through the gateways as its buyer sees it. The stock invariants hold in every snapshot. Payments
// reach orders through the outbox, and the load goes on while the checker reads, so an order and
// its payment disagreeing (in the database or through a gateway) only counts when that same order
// still disagrees after checkFor. The checks read through HAProxy, which cuts the connections of a
// writer it marks down, so a failed read is tried again within checkFor too.
const checkFor = 30 * time.Second

// violations returns every broken invariant, one line each.
func violations(ctx context.Context, primary *sql.DB, product int64, acks []acked) ([]string, error) {
	deadline := time.Now().Add(checkFor)
	var lasting map[string]string // order sn → why, for the disagreements seen in every check so far
	for {
		stock, orders, err := checkDatabase(ctx, primary, product)
		if err == nil {
			for sn, why := range checkGateways(ctx, acks) {
				orders[sn] = why
			}
			lasting = stillThere(lasting, orders)
		}
		if (err == nil && len(stock) == 0 && len(lasting) == 0) || time.Now().After(deadline) || ctx.Err() != nil {
			for _, why := range lasting {
				stock = append(stock, why)
			}
			return stock, err
		}
		time.Sleep(time.Second)
	}
}

// stillThere keeps the orders of before that are in now too (with now's reason); the first
// check (before is nil) keeps them all.
func stillThere(before, now map[string]string) map[string]string {
	if before == nil {
		return now
	}
	kept := map[string]string{}
	for sn := range before {
		if why, ok := now[sn]; ok {
			kept[sn] = why
		}
	}
	return kept
}

// checkDatabase reads both services' schemas (one cluster) in one snapshot: the product's stock
// is its opening stock less what open orders hold and every change of it is in the ledger (stock),
// and every order agrees with its payment (orders: sn → why not).
func checkDatabase(ctx context.Context, primary *sql.DB, product int64) (stock []string, orders map[string]string, err error) {
	tx, err := primary.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("checker: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to keep
	var current, initial, ledger, held int64
	err = tx.QueryRowContext(ctx, `SELECT p.stock, p.initial_stock,
		(SELECT COALESCE(SUM(delta), 0) FROM zeromall_order.stock_ledger WHERE product_id = p.id),
		(SELECT COALESCE(SUM(i.quantity), 0) FROM zeromall_order.order_items i JOIN zeromall_order.orders o ON o.id = i.order_id
			WHERE i.product_id = p.id AND o.status IN (?, ?))
		FROM zeromall_order.products p WHERE p.id = ?`, ordermodel.StatusPending, ordermodel.StatusPaid, product).Scan(&current, &initial, &ledger, &held)
	if err != nil {
		return nil, nil, fmt.Errorf("checker: read stock: %w", err)
	}
	if current != initial+ledger {
		stock = append(stock, fmt.Sprintf("product %d: stock %d, but opening stock %d + ledger %d = %d", product, current, initial, ledger, initial+ledger))
	}
	if current+held != initial {
		stock = append(stock, fmt.Sprintf("product %d: stock %d + %d held by open orders, opening stock %d", product, current, held, initial))
	}
	paid, succeeded := ordermodel.StatusPaid, paymentmodel.PaymentSucceeded
	rows, err := tx.QueryContext(ctx, `SELECT o.sn, o.status, COALESCE(p.status, '') FROM zeromall_order.orders o
		LEFT JOIN zeromall_payment.payments p ON p.order_sn = o.sn AND p.status IN (?, ?)
		WHERE (o.status = ? AND (p.status IS NULL OR p.status <> ?)) OR (o.status <> ? AND p.status = ?)`,
		succeeded, paymentmodel.PaymentRefunded, paid, succeeded, paid, succeeded)
	if err != nil {
		return nil, nil, fmt.Errorf("checker: compare payments and orders: %w", err)
	}
	defer rows.Close()
	orders = map[string]string{}
	for rows.Next() {
		var sn, order, payment string
		if err := rows.Scan(&sn, &order, &payment); err != nil {
			return nil, nil, fmt.Errorf("checker: compare payments and orders: %w", err)
		}
		orders[sn] = fmt.Sprintf("order %s is %s, its payment %q", sn, order, payment)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("checker: compare payments and orders: %w", err)
	}
	return stock, orders, nil
}

// checkGateways asks the gateways, as each buyer, for every acknowledged order and payment, and
// returns what is wrong by order sn.
func checkGateways(ctx context.Context, acks []acked) map[string]string {
	bad := map[string]string{}
	var scratch recorder
	for _, a := range acks {
		var order struct {
			Status string `json:"status"`
		}
		if !scratch.call(ctx, a.buyer, false, http.MethodGet, orderAPI+"/order/v1/orders/"+a.sn, nil, &order) {
			bad[a.sn] = fmt.Sprintf("acknowledged order %s: the order gateway does not answer it", a.sn)
			continue
		}
		if a.paid && order.Status != statusword.OrderPaid {
			bad[a.sn] = fmt.Sprintf("acknowledged payment of order %s: the order gateway says %s", a.sn, order.Status)
		}
		if !a.paid {
			continue
		}
		var payment struct {
			Status string `json:"status"`
		}
		if !scratch.call(ctx, a.buyer, false, http.MethodGet, paymentAPI+"/payment/v1/payments/"+a.paymentSn, nil, &payment) ||
			payment.Status != statusword.PaymentSucceeded {
			bad[a.sn] = fmt.Sprintf("acknowledged payment %s: the payment gateway says %q", a.paymentSn, payment.Status)
		}
	}
	return bad
}
