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
	"zeromall/pkg/store"
	"zeromall/pkg/xerr"

	"github.com/zeromicro/go-zero/core/logx"
	"github.com/zeromicro/go-zero/core/stores/sqlx"
	"golang.org/x/crypto/bcrypt"
)

// Service owns the users table and the sign-in limits.
type Service struct {
	users         UserRows
	journal       *store.Journal // records the cache keys of changed users
	sessions      *sessions.Service
	bcryptCost    int
	loginLimits   LoginLimits
	registrations *limiter.Window // every registration per client IP
}

// New builds the service on the users table, recording stale cache keys in journal and opening
// sessions with sess; passwords are hashed at bcryptCost.
func New(users UserRows, journal *store.Journal, sess *sessions.Service, bcryptCost int,
	login LoginLimits, registrations *limiter.Window) *Service {
	return &Service{
		users:         users,
		journal:       journal,
		sessions:      sess,
		bcryptCost:    bcryptCost,
		loginLimits:   login,
		registrations: registrations,
	}
}

// LoginLimits bound password guesses without letting anyone lock a user out from the user's own
// address (doc/security.md, "Abuse limits"). Keys are the canonical email and the client
// (limiter.ClientKey: an IPv4 address, or an IPv6 address's /64).
type LoginLimits struct {
	PerClient *limiter.Window // every attempt per client IP, counted first
	// PerPair counts an account's attempts from one client IP since its last success there: every
	// attempt counts up front, so concurrent guesses cannot slip past the quota together.
	PerPair *limiter.Window
	// PerAccount counts an account's failures from every client; past its quota, clients that are
	// not KnownClients of the account share one attempt per SlowDown period.
	PerAccount   *limiter.Window
	SlowDown     *limiter.Window
	KnownClients *limiter.Window // account|IP pairs with a successful login
}

// Profile holds the fields a user may edit. Every field is validated by normalizeProfile and
// written by UserRows.UpdateProfileTx: a new field goes in all three (doc/codegen.md).
type Profile struct {
	Nickname string
}

// Register creates an active account (limited per client IP) and opens its first session.
func (s *Service) Register(ctx context.Context, email, password string, profile Profile, clientIP string) (*User, sessions.Pair, error) {
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
	if err := s.take(ctx, s.registrations, limiter.ClientKey(clientIP), xerr.ErrRegisterThrottled); err != nil {
		return nil, sessions.Pair{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
	if err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("hash password: %w", err)
	}

	u := &model.Users{Email: email, PasswordHash: string(hash), Status: model.UserActive, Role: model.RoleCustomer}
	applyProfile(u, profile)
	res, err := s.users.Insert(ctx, u)
	if store.IsDuplicate(err) {
		return nil, sessions.Pair{}, xerr.ErrEmailTaken
	}
	if err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("insert user: %w", err)
	}
	if u.Id, err = res.LastInsertId(); err != nil {
		return nil, sessions.Pair{}, fmt.Errorf("read new user id: %w", err)
	}
	pair, err := s.sessions.Open(ctx, u.Id, u.PasswordHash)
	if err != nil {
		return nil, sessions.Pair{}, err
	}
	return toUser(u), pair, nil
}

// Login checks a password and opens a session. Attempts are limited per client IP, then per
// account and client IP (a success there clears the count, so a user's own logins never lock them
// out), then, for an account under attack from many addresses, per account for clients new to it.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (sessions.Pair, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return sessions.Pair{}, err
	}
	if password == "" {
		return sessions.Pair{}, xerr.Field("password", "is required")
	}
	client := limiter.ClientKey(clientIP)
	pair := email + "|" + client
	if err := s.take(ctx, s.loginLimits.PerClient, client, errTooManyFromAddress); err != nil {
		return sessions.Pair{}, err
	}
	if err := s.take(ctx, s.loginLimits.PerPair, pair, errTooManyFailures); err != nil {
		return sessions.Pair{}, err
	}
	if err := s.slowDown(ctx, email, pair); err != nil {
		return sessions.Pair{}, err
	}

	u, err := s.check(ctx, email, password)
	if errors.Is(err, xerr.ErrInvalidCredentials) {
		s.countFailure(ctx, email)
	}
	if err != nil {
		return sessions.Pair{}, err
	}
	if u.Status != model.UserActive {
		return sessions.Pair{}, xerr.ErrAccountDisabled
	}
	if err := s.loginLimits.PerPair.Reset(ctx, pair); err != nil {
		logx.WithContext(ctx).Errorf("login limiter: the count of a successful client not cleared: %v", err)
	}
	if err := s.loginLimits.KnownClients.Mark(ctx, pair); err != nil {
		logx.WithContext(ctx).Errorf("login limiter: a successful client not remembered: %v", err)
	}
	return s.sessions.Open(ctx, u.Id, u.PasswordHash)
}

var (
	errTooManyFromAddress = xerr.ErrLoginThrottled.WithMsg("too many login attempts from this address, try again later")
	errTooManyFailures    = xerr.ErrLoginThrottled.WithMsg("too many login attempts to this account from this address, try again later")
	errAccountSlowedDown  = xerr.ErrLoginThrottled.WithMsg("too many login attempts to this account from many addresses: new addresses are slowed down, try again later")
)

// check finds the user with email and compares password, in the same time whether or not the
// email exists.
func (s *Service) check(ctx context.Context, email, password string) (*model.Users, error) {
	u, err := s.users.FindOneByEmailNoCache(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Spend the same time as a real check so response times do not reveal which emails exist.
		_ = bcrypt.CompareHashAndPassword(dummyHash(s.bcryptCost), []byte(password))
		return nil, xerr.ErrInvalidCredentials
	case err != nil:
		return nil, fmt.Errorf("find user by email: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, xerr.ErrInvalidCredentials
	}
	return u, nil
}

// slowDown lets a client new to an account that failed too often from everywhere make one
// attempt per SlowDown period, shared with every other new client; known clients pass.
func (s *Service) slowDown(ctx context.Context, email, pair string) error {
	failures, err := s.loginLimits.PerAccount.Count(ctx, email)
	if err != nil {
		return err // only when ctx ended
	}
	if failures < int64(s.loginLimits.PerAccount.Quota) {
		return nil
	}
	if known, err := s.loginLimits.KnownClients.Count(ctx, pair); err == nil && known > 0 {
		return nil
	}
	return s.take(ctx, s.loginLimits.SlowDown, email, errAccountSlowedDown)
}

// countFailure adds a failed login to the account's count from every client.
func (s *Service) countFailure(ctx context.Context, email string) {
	if _, err := s.loginLimits.PerAccount.Take(context.WithoutCancel(ctx), email); err != nil {
		logx.WithContext(ctx).Errorf("login limiter: a failure not counted: %v", err)
	}
}

// UpdateProfile validates and stores every field of profile.
func (s *Service) UpdateProfile(ctx context.Context, id int64, profile Profile) (*User, error) {
	profile, err := normalizeProfile(profile)
	if err != nil {
		return nil, err
	}
	u, err := s.find(ctx, id)
	if err != nil {
		return nil, err
	}
	applyProfile(u, profile)
	_, err = s.journal.Change(ctx, "user.profile", s.users.CacheKeys(u), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return true, s.users.UpdateProfileTx(ctx, tx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("update user %d: %w", u.Id, err)
	}
	return toUser(u), nil
}

// SetRole makes the account with email an admin or a customer again. A new admin's tokens carry
// the role from their next login or refresh; a demoted admin's sessions all end at once, so no
// token keeps a role its user lost. It returns the account and how many sessions it ended.
func (s *Service) SetRole(ctx context.Context, email, role string) (*User, int, error) {
	email, err := normalizeEmail(email)
	if err != nil {
		return nil, 0, err
	}
	if role != model.RoleAdmin && role != model.RoleCustomer {
		return nil, 0, xerr.Field("role", "must be admin or customer")
	}
	u, err := s.users.FindOneByEmailNoCache(ctx, email)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return nil, 0, xerr.ErrUserNotFound
	case err != nil:
		return nil, 0, fmt.Errorf("find user by email: %w", err)
	}
	was := u.Role
	_, err = s.journal.Change(ctx, "user.role", s.users.CacheKeys(u), func(ctx context.Context, tx sqlx.Session) (bool, error) {
		return true, s.users.SetRoleTx(ctx, tx, u, role)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("set role of user %d: %w", u.Id, err)
	}
	u.Role = role
	logx.WithContext(ctx).Infow("role changed", logx.Field("userId", u.Id), logx.Field("from", was), logx.Field("to", role))
	if was != model.RoleAdmin || role == model.RoleAdmin {
		return toUser(u), 0, nil
	}
	ended, err := s.sessions.EndAll(ctx, u.Id, sessions.ReasonRoleChanged)
	if err != nil {
		return toUser(u), ended, fmt.Errorf("end the sessions of demoted user %d: %w", u.Id, err)
	}
	return toUser(u), ended, nil
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
// retry. The window counts in process while Redis cannot answer (package limiter); it fails only
// when the caller has gone.
func (s *Service) take(ctx context.Context, window *limiter.Window, key string, throttled *xerr.CodeError) error {
	if key == "" {
		return nil
	}
	wait, err := window.Take(ctx, key)
	if err != nil {
		return err
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
