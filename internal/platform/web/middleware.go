package web

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
)

// Cookie names.
const (
	sessionCookie = "kopit_session"
	langCookie    = "kopit_lang"
	flashCookie   = "kopit_flash"
)

// contentSecurityPolicy allows only kopit's own scripts, styles and fonts;
// data: images are KERN's CSS icons. No inline script or style anywhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// Wrap puts the middleware chain around h, outermost first: request id and
// logging, panic recovery, metrics, security headers, cross-origin
// protection, language and actor. Body limits are per route (see guard).
func (s *Server) Wrap(h http.Handler, m *Metrics) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, errs.E(errs.Forbidden, "error.cross_origin"))
	}))
	if mux, ok := h.(*http.ServeMux); ok {
		h = s.muxErrors(mux)
	}
	h = s.refuseUnstorable(h)
	h = s.resolveActor(h)
	h = s.negotiateLang(h)
	h = cop.Handler(h)
	h = securityHeaders(h, s.secureCookie)
	h = m.instrument(h)
	h = s.recoverPanics(h)
	return s.logRequests(h)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		r = with(r, requestIDKey, newRequestID())
		// The id is also a header, so that any answer (a JSON error, a
		// download that failed half-way) can be matched with the log.
		w.Header().Set("X-Request-Id", RequestID(r))
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(r)), slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Int("bytes", rec.bytes), slog.Duration("took", time.Since(start)))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Error(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// muxErrors answers requests that match no route (404) or no route for their
// method (405) with kopit's error page or JSON error instead of the mux's
// plain text, so that they carry the layout, the language and a request id.
func (s *Server) muxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		// Let the mux's own handler decide between 404 and 405 (it sets Allow
		// for the latter), but keep only its status and headers.
		probe := &statusOnly{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			if allow := probe.header.Get("Allow"); allow != "" {
				w.Header().Set("Allow", allow)
			}
			s.errorPage(w, r, http.StatusMethodNotAllowed, "error.method_not_allowed")
			return
		}
		if probe.status >= 300 && probe.status < 400 {
			mux.ServeHTTP(w, r)
			return
		}
		s.Error(w, r, errs.ErrNotFound)
	})
}

// refuseUnstorable answers 404 for a path or query, and 422 for a form
// value, that holds a NUL byte or is not UTF-8: no record has such an id,
// no field takes such text, and PostgreSQL refuses it outright (which would
// otherwise surface as a 500).
func (s *Server) refuseUnstorable(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok := storable(r.URL.Path)
		query, _ := url.ParseQuery(r.URL.RawQuery) // handlers see the pairs that parse
		for k, vs := range query {
			ok = ok && storable(k)
			for _, v := range vs {
				ok = ok && storable(v)
			}
		}
		if !ok {
			s.Error(w, r, errs.ErrNotFound)
			return
		}
		// A form post is parsed here, within the server's body limit (forms
		// with files are multipart and not parsed here), so that its values
		// can be checked the same way; handlers then find r.PostForm filled.
		if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded") &&
			r.Method != http.MethodGet && r.Method != http.MethodHead {
			if r.ContentLength > s.maxBody {
				s.Error(w, r, errTooLarge)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, s.maxBody)
			if err := r.ParseForm(); err != nil {
				s.Error(w, r, err)
				return
			}
			for k, vs := range r.PostForm {
				ok = ok && storable(k)
				for _, v := range vs {
					ok = ok && storable(v)
				}
			}
			if !ok {
				s.Error(w, r, errs.E(errs.Invalid, "error.invalid"))
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func storable(v string) bool { return utf8.ValidString(v) && !strings.ContainsRune(v, 0) }

// statusOnly records a handler's status and headers and drops its body.
type statusOnly struct {
	header http.Header
	status int
}

func (p *statusOnly) Header() http.Header { return p.header }
func (p *statusOnly) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *statusOnly) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	return len(b), nil
}

func securityHeaders(next http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if hsts {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) negotiateLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		choice := ""
		if c, err := r.Cookie(langCookie); err == nil {
			choice = c.Value
		}
		next.ServeHTTP(w, with(r, langKey, i18n.Negotiate(choice, r.Header.Get("Accept-Language"))))
	})
}

// resolveActor authenticates by bearer token (API) or session cookie (pages).
// A bad token is answered at once; a stale cookie just leaves the request
// anonymous.
func (s *Server) resolveActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz := r.Header.Get("Authorization"); authz != "" {
			token, ok := strings.CutPrefix(authz, "Bearer ")
			if !ok {
				s.Error(w, r, errs.E(errs.Unauthenticated, "error.token_invalid"))
				return
			}
			a, err := s.auth.TokenActor(r.Context(), strings.TrimSpace(token))
			if err != nil {
				s.Error(w, r, err)
				return
			}
			next.ServeHTTP(w, WithActor(r, a))
			return
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			a, err := s.auth.SessionActor(r.Context(), c.Value)
			switch {
			case err == nil:
				r = WithActor(r, a)
				// The user's saved language wins over the browser's, but not
				// over an explicit switch (the cookie).
				if _, err := r.Cookie(langCookie); err != nil && a.Lang != "" {
					r = with(r, langKey, a.Lang)
				}
			case errs.CodeOf(err) == errs.Unauthenticated:
				s.clearCookie(w, sessionCookie)
			default:
				s.Error(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// StartSession sets the cookie of a session just opened by a sign-in. A
// session cookie the browser brought along (another user's on a shared
// computer, or one planted by an attacker) is ended first, so that after the
// sign-in only the fresh token is valid.
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, token string) error {
	if old := SessionToken(r); old != "" && old != token {
		if err := s.auth.Logout(r.Context(), old); err != nil {
			return err
		}
	}
	s.SetSession(w, token)
	return nil
}

// SetSession sets the session cookie.
func (s *Server) SetSession(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookie, SameSite: http.SameSiteLaxMode, MaxAge: int(auth.SessionTTL.Seconds())})
}

// SessionToken returns the session cookie's value.
func SessionToken(r *http.Request) string {
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// ClearSession removes the session cookie.
func (s *Server) ClearSession(w http.ResponseWriter) { s.clearCookie(w, sessionCookie) }

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: s.secureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// SetLang remembers the chosen language for a year.
func (s *Server) SetLang(w http.ResponseWriter, lang string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", HttpOnly: true, Secure: s.secureCookie,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
}

// Redirect answers a successful form post with 303 and an optional flash
// message key shown on the next page.
func (s *Server) Redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", HttpOnly: true,
			Secure: s.secureCookie, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ConsumeFlash clears the flash cookie after a page showed it.
func (s *Server) ConsumeFlash(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(flashCookie); err == nil {
		s.clearCookie(w, flashCookie)
	}
}

// ClientIP is the peer address (kopit expects to be reached directly or via a
// proxy that the operator configures to overwrite X-Forwarded-For; it does not
// trust that header itself).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Metrics are the HTTP metrics exported at /metrics.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the HTTP metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "kopit_http_requests_total",
			Help: "HTTP requests by method and status code."}, []string{"method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "kopit_http_request_duration_seconds",
			Help: "HTTP request latency.", Buckets: prometheus.DefBuckets}, []string{"method"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *Metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		m.requests.WithLabelValues(r.Method, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(r.Method).Observe(time.Since(start).Seconds())
	})
}
