// Admins' writes to the catalogue: adding a product, changing its listing, adjusting its stock
// (recorded in the stock ledger), and the checks of what they send.

package orders

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"zeromall/apps/order/model"
	"zeromall/pkg/plaintext"
	"zeromall/pkg/store"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// What an admin may write. Prices are cents: at most one million currency units.
const (
	maxTitleLen  = 128
	maxReasonLen = 128
	maxSkuLen    = 64
	maxPrice     = 100_000_000
	maxStock     = 1_000_000
	maxDelta     = 1_000_000
)

// NewProduct is what an admin gives to add a product.
type NewProduct struct {
	Sku   string // optional; made up when empty
	Title string
	Price int64
	Stock int64
}

// CreateProduct adds a product for sale on behalf of admin.
func (s *Service) CreateProduct(ctx context.Context, admin int64, np NewProduct) (*Product, error) {
	if err := xerr.CheckUserID(admin); err != nil {
		return nil, err
	}
	p, err := checkNewProduct(np)
	if err != nil {
		return nil, err
	}
	var keys []string
	err = s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		id, err := s.products.InsertTx(ctx, tx, p)
		if err != nil {
			return err
		}
		if p, err = s.products.LockTx(ctx, tx, id); err != nil {
			return err
		}
		keys = s.products.StaleKeys(id) // a not-found for the new id may be cached
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if store.IsDuplicateOf(err, "uk_sku") {
		return nil, xerr.ErrSkuTaken.WithMsgf("sku: %s is already used by another product", np.Sku)
	}
	if err != nil {
		return nil, err
	}
	s.journal.Drop(ctx, "product.created", keys...)
	logx.WithContext(ctx).Infow("admin created product", logx.Field("adminId", admin), logx.Field("productId", p.Id),
		logx.Field("sku", p.Sku), logx.Field("price", p.Price), logx.Field("stock", p.Stock))
	return toProduct(p), nil
}

// ProductChange is what an admin changes of a product; nil fields stay as they are.
type ProductChange struct {
	Title  *string
	Price  *int64
	Active *bool
}

// UpdateProduct changes a product's listing on behalf of admin. Orders keep the title and price
// they were made with (their lines copy them).
func (s *Service) UpdateProduct(ctx context.Context, admin, id int64, change ProductChange) (*Product, error) {
	if err := xerr.CheckUserID(admin); err != nil {
		return nil, err
	}
	if err := checkProductChange(&change); err != nil {
		return nil, err
	}
	var p *model.Products
	keys := s.products.StaleKeys(id)
	err := s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		var err error
		if p, err = s.lockProduct(ctx, tx, id); err != nil {
			return err
		}
		if change.Title != nil {
			p.Title = *change.Title
		}
		if change.Price != nil {
			p.Price = *change.Price
		}
		if change.Active != nil {
			p.Active = model.ProductArchived
			if *change.Active {
				p.Active = model.ProductActive
			}
		}
		if err := s.products.UpdateListingTx(ctx, tx, p); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return nil, err
	}
	s.journal.Drop(ctx, "product.updated", keys...)
	logx.WithContext(ctx).Infow("admin updated product", logx.Field("adminId", admin), logx.Field("productId", p.Id),
		logx.Field("title", p.Title), logx.Field("price", p.Price), logx.Field("active", p.Active == model.ProductActive))
	return toProduct(p), nil
}

// AdjustStock adds delta units (removes them when negative) on behalf of admin, recorded in the
// stock ledger with reason; stock never goes below zero (ErrStockBelowZero).
func (s *Service) AdjustStock(ctx context.Context, admin, id, delta int64, reason string) (*Product, error) {
	if err := xerr.CheckUserID(admin); err != nil {
		return nil, err
	}
	reason, err := checkAdjustment(delta, reason)
	if err != nil {
		return nil, err
	}
	var p *model.Products
	keys := s.products.StaleKeys(id)
	err = s.transact(ctx, func(ctx context.Context, tx sqlx.Session) error {
		var err error
		if p, err = s.lockProduct(ctx, tx, id); err != nil {
			return err
		}
		if p.Stock+delta < 0 {
			return xerr.ErrStockBelowZero.WithMsgf("delta: stock is %d, %d cannot be removed", p.Stock, -delta)
		}
		if err := s.products.AddStockTx(ctx, tx, id, delta); err != nil {
			return err
		}
		p.Stock += delta // the row is locked: this is what is committed
		if err := s.ledger.InsertManyTx(ctx, tx, []*model.StockLedger{{
			ProductId: id, Delta: delta, Kind: model.StockAdjustment, Reason: reason, AdminId: admin,
		}}); err != nil {
			return err
		}
		return s.journal.RecordTx(ctx, tx, keys...)
	})
	if err != nil {
		return nil, err
	}
	s.journal.Drop(ctx, "product.stock", keys...)
	logx.WithContext(ctx).Infow("admin adjusted stock", logx.Field("adminId", admin), logx.Field("productId", id),
		logx.Field("delta", delta), logx.Field("stock", p.Stock), logx.Field("reason", reason))
	return toProduct(p), nil
}

func (s *Service) lockProduct(ctx context.Context, tx sqlx.Session, id int64) (*model.Products, error) {
	if id <= 0 {
		return nil, xerr.ErrProductNotFound
	}
	p, err := s.products.LockTx(ctx, tx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrProductNotFound
	}
	return p, err
}

func checkNewProduct(np NewProduct) (*model.Products, error) {
	title, err := checkTitle(np.Title)
	if err != nil {
		return nil, err
	}
	if err := checkPrice(np.Price); err != nil {
		return nil, err
	}
	if np.Stock < 0 || np.Stock > maxStock {
		return nil, xerr.Field("stock", fmt.Sprintf("must be between 0 and %d", maxStock))
	}
	sku := np.Sku
	if sku == "" {
		b := make([]byte, 6)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("make up a sku: %w", err)
		}
		sku = "ZM-" + strings.ToUpper(hex.EncodeToString(b))
	} else if err := checkSku(sku); err != nil {
		return nil, err
	}
	return &model.Products{Sku: sku, Title: title, Price: np.Price, Stock: np.Stock, Active: model.ProductActive}, nil
}

func checkProductChange(c *ProductChange) error {
	if c.Title == nil && c.Price == nil && c.Active == nil {
		return xerr.Field("title", "or price or active must be given")
	}
	if c.Title != nil {
		title, err := checkTitle(*c.Title)
		if err != nil {
			return err
		}
		c.Title = &title
	}
	if c.Price != nil {
		return checkPrice(*c.Price)
	}
	return nil
}

func checkAdjustment(delta int64, reason string) (string, error) {
	if delta == 0 || delta < -maxDelta || delta > maxDelta {
		return "", xerr.Field("delta", fmt.Sprintf("must be between -%d and %d, and not 0", maxDelta, maxDelta))
	}
	reason, err := plaintext.Check("reason", reason, maxReasonLen)
	if err != nil {
		return "", err
	}
	return reason, nil
}

func checkTitle(title string) (string, error) { return plaintext.Check("title", title, maxTitleLen) }

func checkPrice(price int64) error {
	if price < 1 || price > maxPrice {
		return xerr.Field("price", fmt.Sprintf("must be between 1 and %d cents", maxPrice))
	}
	return nil
}

func checkSku(sku string) error {
	if len(sku) > maxSkuLen {
		return xerr.Field("sku", fmt.Sprintf("must be at most %d characters", maxSkuLen))
	}
	for _, r := range sku {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.", r)
		if !ok {
			return xerr.Field("sku", "may hold only letters, digits and - _ .")
		}
	}
	return nil
}
