package web

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
)

var (
	errForbidden = errs.ErrForbidden
	errTooLarge  = errs.E(errs.TooLarge, "error.too_large")
)

// Server holds what every handler needs to answer: templates, catalogue,
// logger and the authentication service.
type Server struct {
	cat          *i18n.Catalog
	log          *slog.Logger
	tpl          *Templates
	auth         *auth.Service
	secureCookie bool
	maxBody      int64
	nav          []NavEntry
	panels       []PanelFunc
}

// Options configure the server.
type Options struct {
	SecureCookies bool
	MaxBodyBytes  int64
}

// NewServer builds the server.
func NewServer(cat *i18n.Catalog, log *slog.Logger, tpl *Templates, a *auth.Service, o Options) *Server {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	return &Server{cat: cat, log: log, tpl: tpl, auth: a, secureCookie: o.SecureCookies, maxBody: o.MaxBodyBytes}
}

// Catalog returns the message catalogue.
func (s *Server) Catalog() *i18n.Catalog { return s.cat }

// Auth returns the authentication service.
func (s *Server) Auth() *auth.Service { return s.auth }

// status maps an error code to an HTTP status.
func status(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.Conflict:
		return http.StatusConflict
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// Error answers with the error: JSON for the API, an error page otherwise.
// Only server errors are logged, with their cause; users see a request id.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = errs.E(errs.TooLarge, "error.too_large")
	}
	e, ok := errs.As(err)
	if !ok {
		e = errs.E(errs.Internal, "error.internal")
	}
	code := status(e.Code)
	if code >= 500 {
		s.log.Error("request failed", "request_id", RequestID(r), "method", r.Method, "path", r.URL.Path, "err", err)
	}
	lang := Lang(r)
	msg := s.cat.T(lang, e.Key, e.Args...)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		var fields map[string]string
		if len(e.Fields) > 0 {
			fields = map[string]string{}
			for f, k := range e.Fields {
				fields[f] = s.cat.T(lang, k, e.FieldArgs[f]...)
			}
		}
		s.writeJSONError(w, r, code, string(e.Code), msg, fields)
		return
	}
	page := s.NewPage(r, errorTitle(code))
	page.Data = ErrorData{Status: code, Message: msg}
	s.Render(w, r, code, "error", page)
}

// errorPage answers with a status that has no errs.Code (405) and a message
// key: JSON for the API, the error page otherwise.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, code int, key string) {
	msg := s.cat.T(Lang(r), key)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeJSONError(w, r, code, strings.ReplaceAll(strings.ToLower(http.StatusText(code)), " ", "_"), msg, nil)
		return
	}
	page := s.NewPage(r, errorTitle(code))
	page.Data = ErrorData{Status: code, Message: msg}
	s.Render(w, r, code, "error", page)
}

// ErrorData fills the error page.
type ErrorData struct {
	Status  int
	Message string
}

// APIError is the JSON error body of the API.
type APIError struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

func (s *Server) writeJSONError(w http.ResponseWriter, r *http.Request, code int, c, msg string, fields map[string]string) {
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kopit"`)
	}
	WriteJSON(w, code, APIError{Code: c, Message: msg, Fields: fields, RequestID: RequestID(r)})
}

// WriteJSON writes v as the JSON response body.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// errorTitle names the error page after what happened.
func errorTitle(code int) string {
	switch code {
	case http.StatusNotFound:
		return "error.title_not_found"
	case http.StatusForbidden:
		return "error.title_forbidden"
	case http.StatusUnauthorized:
		return "error.title_login"
	case http.StatusConflict:
		return "error.title_conflict"
	case http.StatusTooManyRequests:
		return "error.title_too_many"
	case http.StatusRequestEntityTooLarge:
		return "error.title_too_large"
	case http.StatusUnprocessableEntity:
		return "error.title_invalid"
	case http.StatusMethodNotAllowed:
		return "error.title_method_not_allowed"
	}
	return "error.title"
}
