package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"kopit/internal/platform/errs"
)

// DecodeJSON reads an API request's JSON body into v. Unknown fields,
// trailing data and text no database column can hold (a NUL character, which
// PostgreSQL refuses outright) are refused with the stable code "invalid"; a
// body over the server's limit stays an *http.MaxBytesError (413).
func DecodeJSON(r *http.Request, v any) error {
	var raw bytes.Buffer
	dec := json.NewDecoder(io.TeeReader(r.Body, &raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return errs.E(errs.Invalid, "error.json")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "error.json")
	}
	// A literal NUL byte is not valid JSON; its escape decodes to one. (An
	// escaped backslash followed by "u0000" is refused too: harmless.)
	if bytes.Contains(raw.Bytes(), []byte(`\u0000`)) {
		return errs.E(errs.Invalid, "error.json_nul")
	}
	return nil
}

// Paging reads an API list's ?limit= (1–200, default 50) and ?offset= (≥ 0);
// a bad value is a validation error at that parameter.
func Paging(r *http.Request) (limit, offset int, err error) {
	v := errs.Validation{}
	limit, offset = 50, 0
	q := r.URL.Query()
	if s := q.Get("limit"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 1 || n > 200 {
			v.Add("limit", "error.limit")
		}
		limit = n
	}
	if s := q.Get("offset"); s != "" {
		n, perr := strconv.Atoi(s)
		if perr != nil || n < 0 {
			v.Add("offset", "error.offset")
		}
		offset = n
	}
	return limit, offset, v.Err()
}
