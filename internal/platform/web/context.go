// Package web is the HTTP layer shared by every module: routes guarded by
// permission, the actor and language of a request, rendering of typed pages,
// forms with messages at the fields, and one mapping from errors to responses.
package web

import (
	"context"
	"net/http"

	"kopit/internal/platform/auth"
)

type ctxKey int

const (
	actorKey ctxKey = iota
	langKey
	requestIDKey
)

// Actor returns the request's authenticated actor, or nil.
func Actor(r *http.Request) *auth.Actor {
	a, _ := r.Context().Value(actorKey).(*auth.Actor)
	return a
}

// Lang returns the request's language.
func Lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return "de"
}

// RequestID returns the id logged with the request.
func RequestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

func with(r *http.Request, k ctxKey, v any) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), k, v))
}

// WithActor returns r carrying actor a (middleware and tests).
func WithActor(r *http.Request, a *auth.Actor) *http.Request { return with(r, actorKey, a) }
