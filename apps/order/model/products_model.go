package model

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"zeromall/pkg/store"

	"github.com/zeromicro/go-zero/core/stores/cache"
	"github.com/zeromicro/go-zero/core/stores/sqlc"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
)

// Values of products.active.
const (
	ProductArchived int64 = 0
	ProductActive   int64 = 1
)

// Pages of the catalogue are cached under a generation: every change of any product drops the
// generation key, so no page cached before the change can be read again (including one a reader
// filled with rows it read just before the commit). Pages live briefly: they pile up under old
// generations until they expire.
const (
	catalogueGenKey     = "cache:order:products:gen"
	cataloguePagePrefix = "cache:order:products:page:"
	cataloguePageTTL    = 30 * time.Second
)

var _ ProductsModel = (*customProductsModel)(nil)

type (
	// ProductsModel is an interface to be customized, add more methods here,
	// and implement the added methods in customProductsModel.
	ProductsModel interface {
		productsModel
		// ListActive returns up to limit products for sale with an id above afterID, by id,
		// from cache when possible.
		ListActive(ctx context.Context, afterID, limit int64) ([]*Products, error)
		// FindManyTx reads products inside a transaction (no cache).
		FindManyTx(ctx context.Context, s sqlx.Session, ids []int64) ([]*Products, error)
		// LockTx reads a product and locks its row until the transaction ends.
		LockTx(ctx context.Context, s sqlx.Session, id int64) (*Products, error)
		// InsertTx adds a product; its initial stock is where its ledger begins.
		InsertTx(ctx context.Context, s sqlx.Session, p *Products) (int64, error)
		// UpdateListingTx writes the title, price and active flag (never the stock).
		UpdateListingTx(ctx context.Context, s sqlx.Session, p *Products) error
		// TakeStockTx takes qty units if that many are left; false when they are not.
		TakeStockTx(ctx context.Context, s sqlx.Session, id, qty int64) (bool, error)
		// AddStockTx adds delta units (fewer when negative): a restock, or an adjustment made
		// under the product's row lock after checking it keeps stock at zero or above.
		AddStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error
		// AddInitialStockTx moves delta units of archived ledger into the product's initial stock.
		AddInitialStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error
		// StaleKeys returns the cache keys a change of products ids makes stale: their rows
		// and the catalogue's generation (every cached page), for the invalidation journal.
		StaleKeys(ids ...int64) []string
	}

	customProductsModel struct {
		*defaultProductsModel
		pages sqlc.CachedConn // the same cache with a short expiry
	}
)

// NewProductsModel returns a model for the database table.
func NewProductsModel(conn sqlx.SqlConn, c cache.CacheConf, opts ...cache.Option) ProductsModel {
	return &customProductsModel{
		defaultProductsModel: newProductsModel(conn, c, opts...),
		pages:                sqlc.NewConn(conn, c, append(opts, cache.WithExpiry(cataloguePageTTL))...),
	}
}

func (m *customProductsModel) ListActive(ctx context.Context, afterID, limit int64) ([]*Products, error) {
	q := fmt.Sprintf("select %s from %s where `active` = 1 and `id` > ? order by `id` limit ?", productsRows, m.table)
	list, err := store.ReadCached(ctx, func(ctx context.Context) ([]*Products, error) {
		gen, err := m.generation(ctx)
		if err != nil {
			return nil, err
		}
		var list []*Products
		key := fmt.Sprintf("%s%s:%d:%d", cataloguePagePrefix, gen, afterID, limit)
		err = m.pages.QueryRowCtx(ctx, &list, key, func(ctx context.Context, conn sqlx.SqlConn, v any) error {
			return conn.QueryRowsCtx(ctx, v, q, afterID, limit)
		})
		return list, err
	}, func() ([]*Products, error) {
		var list []*Products
		err := m.QueryRowsNoCacheCtx(ctx, &list, q, afterID, limit)
		return list, err
	})
	if err != nil {
		return nil, fmt.Errorf("list products after %d: %w", afterID, err)
	}
	return list, nil
}

// generation returns the catalogue's current cache generation, starting a new one when there is
// none (two readers may each start one: the loser's pages are simply never read).
func (m *customProductsModel) generation(ctx context.Context) (string, error) {
	var gen string
	err := m.pages.GetCacheCtx(ctx, catalogueGenKey, &gen)
	if err == nil && gen != "" {
		return gen, nil
	}
	if err != nil && !errors.Is(err, sqlx.ErrNotFound) {
		return "", err
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	gen = hex.EncodeToString(b)
	if err := m.pages.SetCacheCtx(ctx, catalogueGenKey, gen); err != nil {
		return "", err
	}
	return gen, nil
}

func (m *customProductsModel) FindManyTx(ctx context.Context, s sqlx.Session, ids []int64) ([]*Products, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := fmt.Sprintf("select %s from %s where `id` in (%s)", productsRows, m.table, placeholders(len(ids)))
	var list []*Products
	if err := s.QueryRowsCtx(ctx, &list, q, args...); err != nil {
		return nil, fmt.Errorf("find products %v: %w", ids, err)
	}
	return list, nil
}

func (m *customProductsModel) LockTx(ctx context.Context, s sqlx.Session, id int64) (*Products, error) {
	var p Products
	q := fmt.Sprintf("select %s from %s where `id` = ? for update", productsRows, m.table)
	if err := s.QueryRowCtx(ctx, &p, q, id); err != nil {
		if errors.Is(err, sqlx.ErrNotFound) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("lock product %d: %w", id, err)
	}
	return &p, nil
}

func (m *customProductsModel) InsertTx(ctx context.Context, s sqlx.Session, p *Products) (int64, error) {
	q := fmt.Sprintf("insert into %s (`sku`, `title`, `price`, `stock`, `active`, `initial_stock`) values (?, ?, ?, ?, ?, ?)", m.table)
	res, err := s.ExecCtx(ctx, q, p.Sku, p.Title, p.Price, p.Stock, p.Active, p.Stock)
	if err != nil {
		return 0, fmt.Errorf("insert product %s: %w", p.Sku, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert product %s: %w", p.Sku, err)
	}
	return id, nil
}

func (m *customProductsModel) UpdateListingTx(ctx context.Context, s sqlx.Session, p *Products) error {
	q := fmt.Sprintf("update %s set `title` = ?, `price` = ?, `active` = ? where `id` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, p.Title, p.Price, p.Active, p.Id); err != nil {
		return fmt.Errorf("update product %d: %w", p.Id, err)
	}
	return nil
}

func (m *customProductsModel) TakeStockTx(ctx context.Context, s sqlx.Session, id, qty int64) (bool, error) {
	q := fmt.Sprintf("update %s set `stock` = `stock` - ? where `id` = ? and `stock` >= ?", m.table)
	res, err := s.ExecCtx(ctx, q, qty, id, qty)
	if err != nil {
		return false, fmt.Errorf("take %d of product %d: %w", qty, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("take %d of product %d: %w", qty, id, err)
	}
	return n == 1, nil
}

func (m *customProductsModel) AddStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error {
	q := fmt.Sprintf("update %s set `stock` = `stock` + ? where `id` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, delta, id); err != nil {
		return fmt.Errorf("add %d to product %d: %w", delta, id, err)
	}
	return nil
}

func (m *customProductsModel) AddInitialStockTx(ctx context.Context, s sqlx.Session, id, delta int64) error {
	q := fmt.Sprintf("update %s set `initial_stock` = `initial_stock` + ? where `id` = ?", m.table)
	if _, err := s.ExecCtx(ctx, q, delta, id); err != nil {
		return fmt.Errorf("fold %d into the initial stock of product %d: %w", delta, id, err)
	}
	return nil
}

func (m *customProductsModel) StaleKeys(ids ...int64) []string {
	keys := []string{catalogueGenKey}
	for _, id := range ids {
		// The sku key caches only the sku's id (goctl's index cache), which never changes.
		keys = append(keys, fmt.Sprintf("%s%v", cache_orderProductsIdPrefix, id))
	}
	return keys
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}
