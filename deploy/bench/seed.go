package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
	"time"
	"zeromall/apps/order/model"
)

const seedBatch = 5000

// A bcrypt hash of "seeded-user-password" (cost 10): seeded accounts can log in.
const seedHash = "$2a$10$I5PTxj4VGGKn/Ddxu3Zni.diF1QuDjhFX.7XzcwDhrQ0evTpJg0gK"

// seed tops users, products, orders and order lines up to n seeded rows each, in batched
// multi-row inserts. Seeded orders are paid, so no auto-cancel scan picks them up.
func (e *env) seed(n int) error {
	start := time.Now()
	users, err := sql.Open("mysql", e.userDSN)
	if err != nil {
		return err
	}
	defer users.Close()
	orders, err := sql.Open("mysql", e.orderDSN)
	if err != nil {
		return err
	}
	defer orders.Close()

	steps := []struct {
		db    *sql.DB
		table string
		where string
		cols  string
		row   func(i int) []any
	}{
		{users, "users", "email LIKE 'seed-%'", "email, password_hash, nickname, status", func(i int) []any {
			return []any{fmt.Sprintf("seed-%d@bench.invalid", i), seedHash, "Seed", 1}
		}},
		{orders, "products", "sku LIKE 'SEED-%'", "sku, title, price, stock, initial_stock", func(i int) []any {
			return []any{fmt.Sprintf("SEED-%d", i), fmt.Sprintf("Seeded product %d", i), 100 + i%900, 1000, 1000}
		}},
		{orders, "orders", "sn LIKE '19700101%'", "sn, user_id, status, total_amount, paid_at", func(i int) []any {
			return []any{fmt.Sprintf("19700101000000%010d", i), 1_000_000_000 + i%5000, model.StatusPaid, 1999, time.Now().UTC()}
		}},
		{orders, "order_items", "order_id IN (SELECT id FROM orders WHERE sn LIKE '19700101%')", "order_id, product_id, title, price, quantity", nil},
	}
	for _, s := range steps {
		var have int
		if err := s.db.QueryRow("SELECT COUNT(*) FROM " + s.table + " WHERE " + s.where).Scan(&have); err != nil {
			return fmt.Errorf("count %s: %w", s.table, err)
		}
		if s.table == "order_items" { // one line per seeded order, copied in one statement
			if _, err := s.db.Exec(`INSERT INTO order_items (order_id, product_id, title, price, quantity)
				SELECT o.id, 1, 'zeromall T-shirt', 1999, 1 FROM orders o
				WHERE o.sn LIKE '19700101%' AND NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)`); err != nil {
				return fmt.Errorf("seed order_items: %w", err)
			}
			continue
		}
		for from := have; from < n; from += seedBatch {
			to := min(from+seedBatch, n)
			ncols := strings.Count(s.cols, ",") + 1
			ph := "(" + strings.TrimSuffix(strings.Repeat("?,", ncols), ",") + ")"
			args := make([]any, 0, (to-from)*ncols)
			for i := from; i < to; i++ {
				args = append(args, s.row(i)...)
			}
			q := fmt.Sprintf("INSERT INTO %s (%s) VALUES %s", s.table, s.cols, strings.TrimSuffix(strings.Repeat(ph+",", to-from), ","))
			if _, err := s.db.Exec(q, args...); err != nil {
				return fmt.Errorf("seed %s: %w", s.table, err)
			}
		}
	}
	fmt.Fprintf(os.Stderr, "  seeded up to %d rows per table in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
