package model

import (
	"context"
	"fmt"
	"strings"

	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// An order's lines never change once written, so they are cached per order.
const cacheOrderItemsByOrderPrefix = "cache:order:orderItems:order:"

var _ OrderItemsModel = (*customOrderItemsModel)(nil)

type (
	// OrderItemsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customOrderItemsModel.
	OrderItemsModel interface {
		orderItemsModel
		// InsertManyTx writes an order's lines in one statement inside a transaction.
		InsertManyTx(ctx context.Context, s sqlx.Session, orderID int64, items []*OrderItems) error
		// ListByOrder returns one order's lines (cached).
		ListByOrder(ctx context.Context, orderID int64) ([]*OrderItems, error)
		// ListByOrders returns the lines of several orders, keyed by order id.
		ListByOrders(ctx context.Context, orderIDs []int64) (map[int64][]*OrderItems, error)
	}

	customOrderItemsModel struct {
		*defaultOrderItemsModel
	}
)

// NewOrderItemsModel returns a model for the database table.
func NewOrderItemsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) OrderItemsModel {
	return &customOrderItemsModel{
		defaultOrderItemsModel: newOrderItemsModel(conn, c, opts...),
	}
}

func (m *customOrderItemsModel) InsertManyTx(ctx context.Context, s sqlx.Session, orderID int64, items []*OrderItems) error {
	if len(items) == 0 {
		return nil
	}
	values := strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", len(items)), ",")
	args := make([]any, 0, 5*len(items))
	for _, it := range items {
		args = append(args, orderID, it.ProductId, it.Title, it.Price, it.Quantity)
	}
	q := fmt.Sprintf("insert into %s (%s) values %s", m.table, orderItemsRowsExpectAutoSet, values)
	if _, err := s.ExecCtx(ctx, q, args...); err != nil {
		return fmt.Errorf("insert lines of order %d: %w", orderID, err)
	}
	return nil
}

func (m *customOrderItemsModel) ListByOrder(ctx context.Context, orderID int64) ([]*OrderItems, error) {
	key := fmt.Sprintf("%s%d", cacheOrderItemsByOrderPrefix, orderID)
	q := fmt.Sprintf("select %s from %s where `order_id` = ? order by `id`", orderItemsRows, m.table)
	list, err := store.ReadCached(ctx, func(ctx context.Context) ([]*OrderItems, error) {
		var list []*OrderItems
		err := m.QueryRowCtx(ctx, &list, key, func(ctx context.Context, conn sqlx.SqlConn, v any) error {
			return conn.QueryRowsCtx(ctx, v, q, orderID)
		})
		return list, err
	}, func() ([]*OrderItems, error) {
		var list []*OrderItems
		err := m.QueryRowsNoCacheCtx(ctx, &list, q, orderID)
		return list, err
	})
	if err != nil {
		return nil, fmt.Errorf("lines of order %d: %w", orderID, err)
	}
	return list, nil
}

func (m *customOrderItemsModel) ListByOrders(ctx context.Context, orderIDs []int64) (map[int64][]*OrderItems, error) {
	byOrder := make(map[int64][]*OrderItems, len(orderIDs))
	if len(orderIDs) == 0 {
		return byOrder, nil
	}
	args := make([]any, len(orderIDs))
	for i, id := range orderIDs {
		args[i] = id
	}
	var list []*OrderItems
	q := fmt.Sprintf("select %s from %s where `order_id` in (%s) order by `id`", orderItemsRows, m.table, placeholders(len(orderIDs)))
	if err := m.QueryRowsNoCacheCtx(ctx, &list, q, args...); err != nil {
		return nil, fmt.Errorf("lines of orders %v: %w", orderIDs, err)
	}
	for _, it := range list {
		byOrder[it.OrderId] = append(byOrder[it.OrderId], it)
	}
	return byOrder, nil
}
