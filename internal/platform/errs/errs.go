// Package errs is kopit's one error type: a stable code, a message key for the
// user (translated at render time) and, for validation, messages per field.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error; web maps it to an HTTP status, the API returns it.
type Code string

const (
	Invalid         Code = "invalid"           // 422, messages at the fields
	NotFound        Code = "not_found"         // 404, also for "not yours"
	Forbidden       Code = "forbidden"         // 403
	Unauthenticated Code = "unauthenticated"   // 401
	Conflict        Code = "conflict"          // 409
	TooMany         Code = "too_many_requests" // 429
	TooLarge        Code = "too_large"         // 413
	Internal        Code = "internal"          // 500, never shown in detail
)

// Error is an error a user may see. Key is a message-catalogue key; Fields maps
// form field names to message keys.
type Error struct {
	Code   Code
	Key    string
	Args   []any
	Fields map[string]string
	// FieldArgs are the format arguments of a field's message, if any.
	FieldArgs map[string][]any
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Key, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Key)
}

// E makes an error with a code and a message key.
func E(code Code, key string, args ...any) *Error { return &Error{Code: code, Key: key, Args: args} }

// CodeOf returns the code of the first *Error in err's chain, Internal otherwise.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Validation collects field errors; Err returns nil when there were none.
type Validation struct{ fields map[string]string }

// Add records the message key for field (the first one per field wins).
func (v *Validation) Add(field, key string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = key
	}
}

// Has reports whether field already has an error.
func (v *Validation) Has(field string) bool { _, ok := v.fields[field]; return ok }

// Err returns the collected errors as one Invalid error, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Key: "error.invalid", Fields: v.fields}
}

// FieldWith returns an Invalid error for one field whose message takes
// arguments (e.g. the minimum days and the rule that sets them).
func FieldWith(field, key string, args ...any) *Error {
	return &Error{Code: Invalid, Key: "error.invalid", Fields: map[string]string{field: key}, FieldArgs: map[string][]any{field: args}}
}

// Field returns an Invalid error for one field.
func Field(field, key string) *Error {
	return &Error{Code: Invalid, Key: "error.invalid", Fields: map[string]string{field: key}}
}

// Common errors.
var (
	ErrNotFound  = E(NotFound, "error.not_found")
	ErrForbidden = E(Forbidden, "error.forbidden")
)
