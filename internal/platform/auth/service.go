package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
)

// Directory is what auth needs from the member register: credentials and the
// actor behind a user id. The member module implements it; auth never reads
// its tables.
type Directory interface {
	// Credentials returns the user id, password hash and active flag for email.
	Credentials(ctx context.Context, email string) (userID, hash string, active bool, err error)
	// Actor loads the user with organisation and roles; inactive users give
	// errs.Unauthenticated.
	Actor(ctx context.Context, userID string) (*Actor, error)
	// SetPasswordHash stores a new password hash inside tx.
	SetPasswordHash(ctx context.Context, tx *db.Tx, userID, hash string) error
}

// Limits for sessions and sign-in throttling.
const (
	SessionTTL      = 12 * time.Hour
	ResetTTL        = time.Hour
	InviteTTL       = 7 * 24 * time.Hour
	throttleWindow  = 15 * time.Minute
	maxFailsByEmail = 5
	maxFailsByIP    = 30
	// Password-reset requests per address and per IP address within the
	// throttle window: enough for a user who mistyped, too few to mail-bomb
	// an address or to walk through a member's staff list.
)

// requestLimit bounds one kind of anonymous request per address and per IP
// address within the throttle window. Its requests are kept in
// login_failures under a prefix (mark), so that they share its clean-up but
// neither count as failed sign-ins nor are wiped by a successful one.
type requestLimit struct {
	mark          string
	byEmail, byIP int
	key           string // the message when the limit is reached
}

var (
	// Password-reset requests: enough for a user who mistyped, too few to
	// mail-bomb an address or to walk through a member's staff list.
	resetLimit = requestLimit{mark: "reset:", byEmail: 3, byIP: 10, key: "error.reset_throttled"}
	// Single sign-on starts store a pending login each and send no mail, so
	// only the IP address is limited; a member's staff often share one
	// address to the internet, hence the high limit.
	ssoStartLimit = requestLimit{mark: "sso:", byIP: 100, key: "error.sso_throttled"}
	// Refused single sign-on returns write an audit entry each.
	ssoRefusalLimit = requestLimit{mark: "sso-refused:", byIP: 100, key: "error.sso_throttled"}
)

// Service signs users in and out and resolves sessions and API tokens.
type Service struct {
	db     *db.DB
	dir    Directory
	hasher *Hasher
	clock  clock.Clock
	// dummyHash is compared against for unknown users so that a wrong email
	// takes as long as a wrong password.
	dummyHash string
	// hashing bounds concurrent argon2id verifications (64 MiB each): a burst
	// of sign-ins queues instead of exhausting memory.
	hashing chan struct{}
}

// NewService builds the service.
func NewService(d *db.DB, dir Directory, h *Hasher, c clock.Clock) (*Service, error) {
	dummy, err := h.Hash("not-a-real-password-" + id.New())
	if err != nil {
		return nil, err
	}
	return &Service{db: d, dir: dir, hasher: h, clock: c, dummyHash: dummy, hashing: make(chan struct{}, runtime.GOMAXPROCS(0))}, nil
}

// Hasher returns the password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// Login checks the credentials and opens a session. Wrong password and unknown
// user give the same error; too many failures give errs.TooMany.
func (s *Service) Login(ctx context.Context, email, password, ip string) (token string, actor *Actor, err error) {
	email = NormalizeEmail(email)
	now := s.clock.Now()
	if email == "" || password == "" {
		v := errs.Validation{}
		if email == "" {
			v.Add("email", "error.required")
		}
		if password == "" {
			v.Add("password", "error.required")
		}
		return "", nil, v.Err()
	}
	if len(password) > MaxPasswordLen {
		return "", nil, errs.E(errs.Unauthenticated, "error.login_failed")
	}
	if err := s.throttled(ctx, email, ip, now); err != nil {
		return "", nil, err
	}
	userID, hash, active, err := s.dir.Credentials(ctx, email)
	if err != nil && errs.CodeOf(err) != errs.NotFound {
		return "", nil, err
	}
	if userID == "" {
		hash = s.dummyHash
	}
	s.hashing <- struct{}{}
	ok := s.hasher.Matches(password, hash)
	<-s.hashing
	if !ok || userID == "" || !active {
		if _, err := s.db.ExecContext(ctx, "INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)", email, ip, now); err != nil {
			return "", nil, fmt.Errorf("record login failure: %w", err)
		}
		return "", nil, errs.E(errs.Unauthenticated, "error.login_failed")
	}
	actor, err = s.dir.Actor(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	plain, digest := newSecret("ks_")
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE email = ?", email); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			digest, userID, now, now.Add(SessionTTL))
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("open session: %w", err)
	}
	return plain, actor, nil
}

func (s *Service) throttled(ctx context.Context, email, ip string, now time.Time) error {
	since := now.Add(-throttleWindow)
	var byEmail, byIP int
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = ? AND at > ?),
		(SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?)`, email, since, ip, since).Scan(&byEmail, &byIP)
	if err != nil {
		return fmt.Errorf("count login failures: %w", err)
	}
	if byEmail >= maxFailsByEmail || byIP >= maxFailsByIP {
		return errs.E(errs.TooMany, "error.login_throttled", int(throttleWindow.Minutes()))
	}
	return nil
}

// ThrottleReset records a password-reset request for email from ip and
// refuses it with errs.TooMany when the address or the IP address has asked
// too often within the window. It counts every request, for known and
// unknown addresses alike, so the answer tells nothing about which exist.
func (s *Service) ThrottleReset(ctx context.Context, email, ip string) error {
	email = NormalizeEmail(email)
	if email == "" {
		return nil // the form's own validation answers
	}
	if err := s.overLimit(ctx, resetLimit, email, ip); err != nil {
		return err
	}
	return s.countRequest(ctx, resetLimit, email, ip)
}

// ThrottleSSOStart records the start of a single sign-on from ip and refuses
// it when the IP address started too many within the window.
func (s *Service) ThrottleSSOStart(ctx context.Context, email, ip string) error {
	email = NormalizeEmail(email)
	if err := s.overLimit(ctx, ssoStartLimit, email, ip); err != nil {
		return err
	}
	return s.countRequest(ctx, ssoStartLimit, email, ip)
}

// SSORefusalsOver refuses a single sign-on return from an IP address whose
// returns were refused too often within the window; RecordSSORefusal counts
// one.
func (s *Service) SSORefusalsOver(ctx context.Context, ip string) error {
	return s.overLimit(ctx, ssoRefusalLimit, "", ip)
}

// RecordSSORefusal counts a refused single sign-on return from ip.
func (s *Service) RecordSSORefusal(ctx context.Context, ip string) error {
	return s.countRequest(ctx, ssoRefusalLimit, "", ip)
}

func (s *Service) overLimit(ctx context.Context, l requestLimit, email, ip string) error {
	since := s.clock.Now().Add(-throttleWindow)
	var byEmail, byIP int
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM login_failures WHERE email = ? AND at > ?),
		(SELECT COUNT(*) FROM login_failures WHERE ip = ? AND at > ?)`,
		l.mark+email, since, l.mark+ip, since).Scan(&byEmail, &byIP)
	if err != nil {
		return fmt.Errorf("count %s requests: %w", l.mark, err)
	}
	if (email != "" && l.byEmail > 0 && byEmail >= l.byEmail) || byIP >= l.byIP {
		return errs.E(errs.TooMany, l.key, int(throttleWindow.Minutes()))
	}
	return nil
}

func (s *Service) countRequest(ctx context.Context, l requestLimit, email, ip string) error {
	if _, err := s.db.ExecContext(ctx, "INSERT INTO login_failures (email, ip, at) VALUES (?, ?, ?)",
		l.mark+email, l.mark+ip, s.clock.Now()); err != nil {
		return fmt.Errorf("record %s request: %w", l.mark, err)
	}
	return nil
}

// Logout ends the session with this token.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashSecret(token))
	return err
}

// SessionActor resolves a session cookie to its actor.
func (s *Service) SessionActor(ctx context.Context, token string) (*Actor, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthenticated, "error.login_required")
	}
	var userID string
	err := s.db.QueryRowContext(ctx, "SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?",
		hashSecret(token), s.clock.Now()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Unauthenticated, "error.login_required")
	}
	if err != nil {
		return nil, err
	}
	return s.dir.Actor(ctx, userID)
}

// EndSessions removes every session of a user (after a password change or
// deactivation), inside tx.
func EndSessions(ctx context.Context, tx *db.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}

// PurgeExpired deletes expired sessions and old login failures; a periodic
// job calls it.
func (s *Service) PurgeExpired(ctx context.Context) error {
	now := s.clock.Now()
	if _, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", now); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, "DELETE FROM login_failures WHERE at <= ?", now.Add(-throttleWindow))
	return err
}

// NormalizeEmail trims and lower-cases an address for lookups.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
