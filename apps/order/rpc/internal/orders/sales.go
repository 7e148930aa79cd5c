package orders

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/pkg/events"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// SalesConsumer is the durable consumer that folds order events into product_sales: a listener
// the producer knows nothing of, as any other service's would be.
const SalesConsumer = "order-rpc-sales"

// Sales is what one product sold.
type Sales struct {
	ProductID     int64
	UnitsSold     int64 // units in paid orders
	UnitsRefunded int64 // units of those orders refunded since
	Revenue       int64 // cents paid less cents refunded
	Orders        int64 // paid orders with the product
	UpdatedAt     time.Time
}

// HandleSalesEvent folds order.paid (units and cents sold) and order.refunded (units and cents
// given back) into the products' sales, once per event (the inbox).
func (s *Service) HandleSalesEvent(ctx context.Context, ev *events.Event) error {
	var changes []*model.ProductSales
	switch body := ev.GetBody().(type) {
	case *events.Event_OrderPaid:
		for _, l := range body.OrderPaid.GetItems() {
			changes = append(changes, &model.ProductSales{ProductId: l.GetProductId(), UnitsSold: l.GetQuantity(),
				Revenue: l.GetQuantity() * l.GetUnitPrice(), Orders: 1})
		}
	case *events.Event_OrderRefunded:
		for _, l := range body.OrderRefunded.GetItems() {
			changes = append(changes, &model.ProductSales{ProductId: l.GetProductId(), UnitsRefunded: l.GetQuantity(),
				Revenue: -l.GetQuantity() * l.GetUnitPrice()})
		}
	default:
		return nil // not an event the sales move with
	}
	var keys []string
	for _, c := range changes {
		keys = append(keys, s.sales.CacheKeys(c)...)
	}
	err := s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		first, err := s.events.Inbox.FirstTx(ctx, tx, SalesConsumer, ev.GetId())
		if err != nil || !first {
			return err
		}
		for _, c := range changes {
			if err := s.sales.AddTx(ctx, tx, c); err != nil {
				return err
			}
		}
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return fmt.Errorf("sales of %s %s: %w", ev.GetType(), ev.GetAggregate(), err)
	}
	s.journal.Drop(ctx, "order.sales", keys...)
	return nil
}

// Sales reads a product's sales (archived ones too); a product nothing was sold of has zero
// sales, one that does not exist is ErrProductNotFound.
func (s *Service) Sales(ctx context.Context, productID int64) (*Sales, error) {
	if _, err := s.findProduct(ctx, productID); err != nil {
		return nil, err
	}
	row, err := s.sales.FindOne(ctx, productID)
	if errors.Is(err, model.ErrNotFound) {
		return &Sales{ProductID: productID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sales of product %d: %w", productID, err)
	}
	return &Sales{ProductID: row.ProductId, UnitsSold: row.UnitsSold, UnitsRefunded: row.UnitsRefunded,
		Revenue: row.Revenue, Orders: row.Orders, UpdatedAt: row.UpdatedAt}, nil
}
