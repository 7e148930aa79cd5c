package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"time"
)

// The checker runs after every fault: the invariants of the chaos run (e2e), read from the
// database in one consistent snapshot and, for every write acknowledged in the fault's window,
// through the gateways as its buyer sees it. Payments reach orders through the outbox, so a
// disagreement only counts when it lasts checkFor. The checks read through HAProxy, which cuts
// the connections of a writer it marks down, so a failed read is tried again within checkFor too.
const checkFor = 30 * time.Second

// violations returns every broken invariant, one line each.
func violations(ctx context.Context, primary *sql.DB, product int64, acks []acked) ([]string, error) {
	deadline := time.Now().Add(checkFor)
	for {
		bad, err := checkDatabase(ctx, primary, product)
		if err == nil {
			bad = append(bad, checkGateways(ctx, acks)...)
		}
		if (err == nil && len(bad) == 0) || time.Now().After(deadline) || ctx.Err() != nil {
			return bad, err
		}
		time.Sleep(time.Second)
	}
}

// checkDatabase reads both services' schemas (one cluster) in one snapshot: the product's stock
// is its opening stock less what open orders hold, every change of it is in the ledger, and
// payments and orders agree once the outbox has delivered.
func checkDatabase(ctx context.Context, primary *sql.DB, product int64) ([]string, error) {
	tx, err := primary.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("checker: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read only: nothing to keep
	var bad []string
	var stock, initial, ledger, held int64
	err = tx.QueryRowContext(ctx, `SELECT p.stock, p.initial_stock,
		(SELECT COALESCE(SUM(delta), 0) FROM zeromall_order.stock_ledger WHERE product_id = p.id),
		(SELECT COALESCE(SUM(i.quantity), 0) FROM zeromall_order.order_items i JOIN zeromall_order.orders o ON o.id = i.order_id
			WHERE i.product_id = p.id AND o.status IN ('pending', 'paid'))
		FROM zeromall_order.products p WHERE p.id = ?`, product).Scan(&stock, &initial, &ledger, &held)
	if err != nil {
		return nil, fmt.Errorf("checker: read stock: %w", err)
	}
	if stock != initial+ledger {
		bad = append(bad, fmt.Sprintf("product %d: stock %d, but opening stock %d + ledger %d = %d", product, stock, initial, ledger, initial+ledger))
	}
	if stock+held != initial {
		bad = append(bad, fmt.Sprintf("product %d: stock %d + %d held by open orders, opening stock %d", product, stock, held, initial))
	}
	rows, err := tx.QueryContext(ctx, `SELECT o.sn, o.status, COALESCE(p.status, '') FROM zeromall_order.orders o
		LEFT JOIN zeromall_payment.payments p ON p.order_sn = o.sn AND p.status IN ('succeeded', 'refunded')
		WHERE (o.status = 'paid' AND (p.status IS NULL OR p.status <> 'succeeded')) OR (o.status <> 'paid' AND p.status = 'succeeded')`)
	if err != nil {
		return nil, fmt.Errorf("checker: compare payments and orders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sn, order, payment string
		if err := rows.Scan(&sn, &order, &payment); err != nil {
			return nil, err
		}
		bad = append(bad, fmt.Sprintf("order %s is %s, its payment %q", sn, order, payment))
	}
	return bad, rows.Err()
}

// checkGateways asks the gateways, as each buyer, for every acknowledged order and payment.
func checkGateways(ctx context.Context, acks []acked) []string {
	var bad []string
	var scratch recorder
	for _, a := range acks {
		var order struct {
			Status string `json:"status"`
		}
		if !scratch.call(ctx, a.buyer, false, http.MethodGet, orderAPI+"/order/v1/orders/"+a.sn, nil, &order) {
			bad = append(bad, fmt.Sprintf("acknowledged order %s: the order gateway does not answer it", a.sn))
			continue
		}
		if a.paid && order.Status != "paid" {
			bad = append(bad, fmt.Sprintf("acknowledged payment of order %s: the order gateway says %s", a.sn, order.Status))
		}
		if !a.paid {
			continue
		}
		var payment struct {
			Status string `json:"status"`
		}
		if !scratch.call(ctx, a.buyer, false, http.MethodGet, paymentAPI+"/payment/v1/payments/"+a.paymentSn, nil, &payment) ||
			payment.Status != "succeeded" {
			bad = append(bad, fmt.Sprintf("acknowledged payment %s: the payment gateway says %q", a.paymentSn, payment.Status))
		}
	}
	return bad
}
