package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"zeromall/apps/order/model"
	"zeromall/apps/order/rpc/order"
	"zeromall/apps/user/rpc/user"
	"zeromall/pkg/ids"
	"zeromall/pkg/rpcauth"

	"github.com/go-sql-driver/mysql"
	"github.com/redis/go-redis/v9"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// userCacheKey is where zeromall's user-rpc caches a user row (goctl's cache-aside, JSON of the
// row): the floor reads the same entry.
const userCacheKey = "cache:user:users:id:%d"

// cachedUser is the part of the cached row the profile needs.
type cachedUser struct {
	Id        int64
	Email     string
	Nickname  string
	Status    int64
	CreatedAt time.Time
}

type rpcServer struct {
	user.UnimplementedUserServer
	order.UnimplementedOrderServer
	users  *sql.DB
	orders *sql.DB
	rds    *redis.Client
}

func newRPCServer(useTLS bool, userDSN, orderDSN, redisAddr string) (*grpc.Server, error) {
	users, err := open(userDSN)
	if err != nil {
		return nil, err
	}
	orders, err := open(orderDSN)
	if err != nil {
		return nil, err
	}
	// As go-zero's sqlx pool: enough connections for every concurrent transaction.
	orders.SetMaxOpenConns(64)
	orders.SetMaxIdleConns(64)
	s := &rpcServer{users: users, orders: orders, rds: redis.NewClient(&redis.Options{Addr: redisAddr, DisableIdentity: true})}
	var opts []grpc.ServerOption
	if useTLS {
		id, err := rpcauth.DevIdentity("floor-rpc")
		if err != nil {
			return nil, err
		}
		opts = append(opts, grpc.Creds(id.ServerCredentials()))
	}
	srv := grpc.NewServer(opts...)
	user.RegisterUserServer(srv, s)
	order.RegisterOrderServer(srv, s)
	return srv, nil
}

// open connects with the driver interpolating arguments, one round trip a statement, as
// zeromall's pkg/store does.
func open(dsn string) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	cfg.InterpolateParams = true
	return sql.Open("mysql", cfg.FormatDSN())
}

// GetUser answers from the cached row, reading MySQL and caching it on a miss.
func (s *rpcServer) GetUser(ctx context.Context, in *user.GetUserReq) (*user.UserInfo, error) {
	key := fmt.Sprintf(userCacheKey, in.Id)
	var u cachedUser
	raw, err := s.rds.Get(ctx, key).Bytes()
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	case errors.Is(err, redis.Nil):
		err := s.users.QueryRowContext(ctx, "SELECT id, email, nickname, status, created_at FROM users WHERE id = ?", in.Id).
			Scan(&u.Id, &u.Email, &u.Nickname, &u.Status, &u.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, status.Error(codes.NotFound, "no such user")
		}
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	default:
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	st := user.UserStatus_USER_STATUS_DISABLED
	if u.Status == 1 {
		st = user.UserStatus_USER_STATUS_ACTIVE
	}
	return &user.UserInfo{Id: u.Id, Email: u.Email, Nickname: u.Nickname, CreatedAt: u.CreatedAt.Unix(), Status: st}, nil
}

// CreateOrder takes the stock, reads the price and writes the order, its lines and their ledger
// rows in one transaction.
func (s *rpcServer) CreateOrder(ctx context.Context, in *order.CreateOrderReq) (*order.OrderInfo, error) {
	now := time.Now().UTC().Truncate(time.Second)
	info := &order.OrderInfo{Sn: ids.NewSN(now), UserId: in.UserId, Status: order.OrderStatus_ORDER_STATUS_PENDING,
		CreatedAt: now.Unix(), Items: make([]*order.OrderItem, len(in.Items))}
	tx, err := s.orders.BeginTx(ctx, nil)
	if err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	defer func() { _ = tx.Rollback() }()
	for i, it := range in.Items {
		res, err := tx.ExecContext(ctx, "UPDATE products SET stock = stock - ? WHERE id = ? AND active = 1 AND stock >= ?",
			it.Quantity, it.ProductId, it.Quantity)
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, status.Error(codes.FailedPrecondition, "out of stock")
		}
		line := &order.OrderItem{ProductId: it.ProductId, Quantity: it.Quantity}
		if err := tx.QueryRowContext(ctx, "SELECT title, price FROM products WHERE id = ?", it.ProductId).
			Scan(&line.Title, &line.Price); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		info.Items[i] = line
		info.TotalAmount += line.Price * line.Quantity
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO orders (sn, user_id, status, total_amount, created_at) VALUES (?, ?, ?, ?, ?)",
		info.Sn, info.UserId, model.StatusPending, info.TotalAmount, now)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	orderID, err := res.LastInsertId()
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	for _, line := range info.Items {
		if _, err := tx.ExecContext(ctx, "INSERT INTO order_items (order_id, product_id, title, price, quantity) VALUES (?, ?, ?, ?, ?)",
			orderID, line.ProductId, line.Title, line.Price, line.Quantity); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO stock_ledger (product_id, delta, kind, order_sn) VALUES (?, ?, 'order', ?)",
			line.ProductId, -line.Quantity, info.Sn); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return info, nil
}
