package orders

import (
	"context"
	"fmt"
	"time"

	"zeromall/apps/order/model"

	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Tables is the storage orders needs: goctl's models (apps/order/model) implement each, and svc
// builds them. Rows stay in this package; callers see Order, Product and StockChange.
type Tables struct {
	Products    ProductRows
	Orders      OrderRows
	Items       ItemRows
	Idempotency IdempotencyRows
	Ledger      LedgerRows
	Sales       SalesRows
}

// SalesRows is the product_sales read model, folded from order events (sales.go).
type SalesRows interface {
	FindOne(ctx context.Context, productID int64) (*model.ProductSales, error)
	AddTx(ctx context.Context, s sqlx.Session, d *model.ProductSales) error
	CacheKeys(data *model.ProductSales) []string
}

// ProductRows is what orders reads and writes of the catalogue.
type ProductRows interface {
	FindOne(ctx context.Context, id int64) (*model.Products, error)
	ListActive(ctx context.Context, afterID, limit int64) ([]*model.Products, error)
	FindManyTx(ctx context.Context, s sqlx.Session, ids []int64) ([]*model.Products, error)
	LockTx(ctx context.Context, s sqlx.Session, id int64) (*model.Products, error)
	InsertTx(ctx context.Context, s sqlx.Session, p *model.Products) (int64, error)
	UpdateListingTx(ctx context.Context, s sqlx.Session, p *model.Products) error
	TakeStockTx(ctx context.Context, s sqlx.Session, id, qty int64) (bool, error)
	AddStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error
	AddInitialStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error
	StaleKeys(ids ...int64) []string
}

// OrderRows is what orders reads and writes of the orders table.
type OrderRows interface {
	FindOne(ctx context.Context, id int64) (*model.Orders, error)
	FindOneBySn(ctx context.Context, sn string) (*model.Orders, error)
	ListByUser(ctx context.Context, userID int64, status string, offset, limit int64) ([]*model.Orders, int64, error)
	FindPendingBefore(ctx context.Context, t, now time.Time, limit int) ([]*model.Orders, error)
	InsertTx(ctx context.Context, s sqlx.Session, o *model.Orders) (id int64, inserted bool, err error)
	LockTx(ctx context.Context, s sqlx.Session, id int64) (*model.Orders, error)
	HoldTx(ctx context.Context, s sqlx.Session, id int64, until time.Time) error
	TransitionTx(ctx context.Context, s sqlx.Session, id int64, from, to string, at time.Time) (bool, error)
	PendingSlotsTx(ctx context.Context, s sqlx.Session, userID int64) ([]int64, error)
	NoteWriteBy(ctx context.Context, userID int64, ttl time.Duration) error
	WroteRecently(ctx context.Context, userID int64) (bool, error)
	CacheKeys(data *model.Orders) []string
}

// ItemRows is what orders reads and writes of an order's lines.
type ItemRows interface {
	InsertManyTx(ctx context.Context, s sqlx.Session, orderID int64, items []*model.OrderItems) error
	ListByOrder(ctx context.Context, orderID int64) ([]*model.OrderItems, error)
	ListByOrders(ctx context.Context, orderIDs []int64) (map[int64][]*model.OrderItems, error)
}

// IdempotencyRows remembers the Idempotency-Key of each created order.
type IdempotencyRows interface {
	FindFresh(ctx context.Context, userID int64, key string) (*model.OrderIdempotency, error)
	FindOneByUserIdIdempotencyKey(ctx context.Context, userId int64, idempotencyKey string) (*model.OrderIdempotency, error)
	InsertTx(ctx context.Context, s sqlx.Session, r *model.OrderIdempotency) error
	DeleteExpiredTx(ctx context.Context, s sqlx.Session, userID int64, key string, cutoff time.Time) error
	PurgeBefore(ctx context.Context, cutoff time.Time, limit int) (int64, error)
	CacheKeys(data *model.OrderIdempotency) []string
}

// LedgerRows is the stock ledger: every change of a product's stock, and why.
type LedgerRows interface {
	InsertManyTx(ctx context.Context, s sqlx.Session, changes []*model.StockLedger) error
	ListByProduct(ctx context.Context, productID, beforeID, limit int64) ([]*model.StockLedger, error)
	ProductsWithChangesBefore(ctx context.Context, cutoff time.Time, limit int) ([]int64, error)
	FoldTx(ctx context.Context, s sqlx.Session, productID int64, cutoff time.Time, limit int) (n, sum int64, err error)
}

// Order is an order with its lines, as the domain answers it.
type Order struct {
	ID          int64
	Sn          string
	UserID      int64
	Status      Status
	TotalAmount int64 // cents
	CreatedAt   time.Time
	PaidAt      time.Time // zero until paid
	Items       []Item
}

// Item is one line of an order: the product's title and price when it was ordered.
type Item struct {
	ProductID int64
	Title     string
	Price     int64 // cents
	Quantity  int64
}

// Product is one product of the catalogue.
type Product struct {
	ID     int64
	Sku    string
	Title  string
	Price  int64 // cents
	Stock  int64
	Active bool // for sale
}

// StockChange is one entry of a product's stock ledger.
type StockChange struct {
	Delta     int64
	Kind      string // model.Stock*: order, cancel, refund, adjustment, initial, folded
	Reason    string
	OrderSn   string
	AdminID   int64
	CreatedAt time.Time
}

func toOrder(o *model.Orders, items []*model.OrderItems) (*Order, error) {
	st, err := statusOf(o.Status)
	if err != nil {
		return nil, fmt.Errorf("order %s: %w", o.Sn, err)
	}
	order := &Order{ID: o.Id, Sn: o.Sn, UserID: o.UserId, Status: st, TotalAmount: o.TotalAmount,
		CreatedAt: o.CreatedAt, PaidAt: o.PaidAt.Time, Items: make([]Item, len(items))}
	for i, it := range items {
		order.Items[i] = Item{ProductID: it.ProductId, Title: it.Title, Price: it.Price, Quantity: it.Quantity}
	}
	return order, nil
}

func toProduct(p *model.Products) *Product {
	return &Product{ID: p.Id, Sku: p.Sku, Title: p.Title, Price: p.Price, Stock: p.Stock, Active: p.Active == model.ProductActive}
}

func toStockChange(c *model.StockLedger) *StockChange {
	return &StockChange{Delta: c.Delta, Kind: c.Kind, Reason: c.Reason, OrderSn: c.OrderSn, AdminID: c.AdminId, CreatedAt: c.CreatedAt}
}
