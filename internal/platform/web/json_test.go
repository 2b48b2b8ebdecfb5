package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kopit/internal/platform/errs"
)

func TestDecodeJSON(t *testing.T) {
	type body struct {
		Subject string   `json:"subject"`
		Lines   []string `json:"lines"`
	}
	cases := []struct {
		name, in string
		ok       bool
	}{
		{"valid", `{"subject":"Lizenzen","lines":["a"]}`, true},
		{"valid with white space after", "{\"subject\":\"x\"}\n", true},
		{"unknown field", `{"subject":"x","admin":true}`, false},
		{"trailing object", `{"subject":"x"}{"subject":"y"}`, false},
		{"trailing garbage", `{"subject":"x"} nonsense`, false},
		{"NUL escaped in a string", `{"subject":"a\u0000b"}`, false},
		{"NUL in an array", `{"lines":["\u0000"]}`, false},
		{"raw NUL byte", "{\"subject\":\"a\x00b\"}", false},
		{"not JSON", `subject=x`, false},
		{"empty", ``, false},
		{"wrong type", `{"subject":5}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(tc.in))
			var v body
			err := DecodeJSON(r, &v)
			if tc.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if e, isErr := errs.As(err); err != nil && (!isErr || e.Code != errs.Invalid) {
				t.Fatalf("error %v is not a validation error with a stable code", err)
			}
		})
	}
	t.Run("over the limit stays 413", func(t *testing.T) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(`{"subject":"`+strings.Repeat("x", 100)+`"}`))
		r.Body = http.MaxBytesReader(w, r.Body, 20)
		var v body
		var tooBig *http.MaxBytesError
		if err := DecodeJSON(r, &v); !errors.As(err, &tooBig) {
			t.Fatalf("err = %v, want *http.MaxBytesError", err)
		}
	})
}
