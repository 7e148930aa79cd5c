// Package accounts is user-rpc's domain for accounts: registration, password sign-in with its
// limits, and the profile. Sessions (tokens, refresh, revocation) are package sessions'.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"zeromall/apps/user/model"
	"zeromall/apps/user/rpc/internal/limiter"
	"zeromall/apps/user/rpc/internal/sessions"
	"zeromall/pkg/dberr"
	"zeromall/pkg/invalidation"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// Service owns the users table and the sign-in limits.
type Service struct {
	Users      model.UsersModel
	Journal    *invalidation.Journal // records the cache keys of changed users
	Sessions   *sessions.Service
	BcryptCost int
	// LoginFailures counts an account's logins since its last success (its failures, and the
	// attempts in flight); LoginAttempts every login per client IP; Registrations every
	// registration per client IP.
	LoginFailures *limiter.Window
	LoginAttempts *limiter.Window
	Registrations *limiter.Window
}

// Profile holds the fields a user may edit. Every field is validated by normalizeProfile and
// written by model.UsersModel.UpdateProfileTx: a new field goes in all three (doc/codegen.md).
type Profile struct {
	Nickname string
}

// Register creates an active account (limited per client IP) and opens its first session.
func (s *Service) Register(ctx context.Context, email, password string, profile Profile, clientIP string) (*model.Users, sessions.Pair, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return nil, sessions.Pair{}, err
	}
	if err := checkPassword(password); err != nil {
		return nil, sessions.Pair{}, err
	}
	if profile, err = normalizeProfile(profile); err != nil {
		return nil, sessions.Pair{}, err
	}
	if err := s.take(ctx, s.Registrations, clientIP, xerr.ErrRegisterThrottled); err != nil {
		return nil, sessions.Pair{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("hash password: %w", err)
	}

	u := &model.Users{Email: email, PasswordHash: string(hash), Status: model.UserActive, Role: model.RoleCustomer}
	applyProfile(u, profile)
	res, err := s.Users.Insert(ctx, u)
	if dberr.IsDuplicate(err) {
		return nil, sessions.Pair{}, xerr.ErrEmailTaken
	}
	if err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("insert user: %w", err)
	}
	if u.Id, err = res.LastInsertId(); err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("read new user id: %w", err)
	}
	pair, err := s.Sessions.Open(ctx, u)
	if err != nil {
		return nil, sessions.Pair{}, err
	}
	return u, pair, nil
}

// Login checks a password (failures limited per account, attempts per client IP) and opens a
// session. Every attempt counts against the account up front, so concurrent guesses cannot slip
// past the quota together, and a success clears the account's count again: only failures remain,
// and a user's own logins never lock them out.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (sessions.Pair, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return sessions.Pair{}, err
	}
	if password == "" {
		return sessions.Pair{}, xerr.Field("password", "is required")
	}
	if err := s.take(ctx, s.LoginFailures, email, xerr.ErrLoginThrottled); err != nil {
		return sessions.Pair{}, err
	}
	if err := s.take(ctx, s.LoginAttempts, clientIP, xerr.ErrLoginThrottled); err != nil {
		return sessions.Pair{}, err
	}

	u, err := s.Users.FindOneByEmailNoCache(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Spend the same time as a real check so response times do not reveal which emails exist.
		_ = bcrypt.CompareHashAndPassword(dummyHash(s.BcryptCost), []byte(password))
		return sessions.Pair{}, xerr.ErrInvalidCredentials
	case err != nil:
		return sessions.Pair{}, fmt.Errorf("find user by email: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return sessions.Pair{}, xerr.ErrInvalidCredentials
	}
	if u.Status != model.UserActive {
		return sessions.Pair{}, xerr.ErrAccountDisabled
	}
	if err := s.LoginFailures.Reset(ctx, email); err != nil {
		logx.WithContext(ctx).Errorf("login limiter unavailable, the account's count not cleared: %v", err)
	}
	return s.Sessions.Open(ctx, u)
}

// Get reads one user; ErrUserNotFound when absent.
func (s *Service) Get(ctx context.Context, id int64) (*model.Users, error) {
	if id <= 0 {
		return nil, xerr.Field("id", "must be positive")
	}
	u, err := s.Users.FindOne(ctx, id)
	if errors.Is(err, model.ErrNotFound) {
		return nil, xerr.ErrUserNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("find user %d: %w", id, err)
	}
	return u, nil
}

// UpdateProfile validates and stores every field of profile.
func (s *Service) UpdateProfile(ctx context.Context, id int64, profile Profile) (*model.Users, error) {
	profile, err := normalizeProfile(profile)
	if err != nil {
		return nil, err
	}
	u, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	applyProfile(u, profile)
	_, err = s.Journal.Change(ctx, "user.profile", s.Users.CacheKeys(u), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return true, s.Users.UpdateProfileTx(ctx, tx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", u.Id, err)
	}
	return u, nil
}

// SetRole makes the account with email an admin or a customer again. A new admin's tokens carry
// the role from their next login or refresh; a demoted admin's sessions all end at once, so no
// token keeps a role its user lost. It returns the account and how many sessions it ended.
func (s *Service) SetRole(ctx context.Context, email, role string) (*model.Users, int, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return nil, 0, err
	}
	if role != model.RoleAdmin && role != model.RoleCustomer {
		return nil, 0, xerr.Field("role", "must be admin or customer")
	}
	u, err := s.Users.FindOneByEmailNoCache(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, 0, xerr.ErrUserNotFound
	case err != nil:
		return nil, 0, fmt.Errorf("find user by email: %w", err)
	}
	was := u.Role
	_, err = s.Journal.Change(ctx, "user.role", s.Users.CacheKeys(u), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return true, s.Users.SetRoleTx(ctx, tx, u, role)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("set role of user %d: %w", u.Id, err)
	}
	u.Role = role
	logx.WithContext(ctx).Infow("role changed", logx.Field("userId", u.Id), logx.Field("from", was), logx.Field("to", role))
	if was != model.RoleAdmin || role == model.RoleAdmin {
		return u, 0, nil
	}
	ended, err := s.Sessions.EndAll(ctx, u.Id, sessions.ReasonRoleChanged)
	if err != nil {
		return u, ended, fmt.Errorf("end the sessions of demoted user %d: %w", u.Id, err)
	}
	return u, ended, nil
}

func normalizeProfile(p Profile) (Profile, error) {
	nickname, err := normalizeNickname(p.Nickname)
	if err != nil {
		return Profile{}, err
	}
	return Profile{Nickname: nickname}, nil
}

func applyProfile(u *model.Users, p Profile) {
	u.Nickname = p.Nickname
}

// take counts an attempt against key in window; past the quota it is throttled, told when to
// retry. When Redis is unreachable the limiter fails open: sign-ins keep working, unthrottled,
// and the outage is logged.
func (s *Service) take(ctx context.Context, window *limiter.Window, key string, throttled *xerr.CodeError) error {
	if key == "" {
		return nil
	}
	wait, err := window.Take(ctx, key)
	if err != nil {
		logx.WithContext(ctx).Errorf("limiter unavailable, allowing attempt: %v", err)
		return nil
	}
	if wait > 0 {
		return throttled.WithRetryAfter(wait)
	}
	return nil
}

var (
	dummyOnce sync.Once
	dummy     []byte
)

// dummyHash is a bcrypt hash of a random-looking password at the configured cost, compared
// against when an email is unknown.
func dummyHash(cost int) []byte {
	dummyOnce.Do(func() {
		dummy, _ = bcrypt.GenerateFromPassword([]byte("zeromall-no-such-user-password"), cost)
	})
	return dummy
}
