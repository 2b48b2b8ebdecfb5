package app_test

import (
	"strings"
	"testing"
)

// PostgreSQL refuses text with a NUL character; an API body carrying one must
// be refused as invalid input (422 with the stable code), not fail as a 500,
// and nothing is stored.
func TestAPIBodiesWithNULAreRefused(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		tok := e.token("einkauf@hzd.example")
		before := e.auditCount()
		for _, body := range []string{
			`{"topic":"other","subject":"a\u0000b","body":"Frage"}`,
			`{"topic":"other","subject":"Frage","body":"\u0000"}`,
		} {
			code, out := e.doBody(tok, "POST", "/api/v1/advice", body)
			if code != 422 || !strings.Contains(out, `"code": "invalid"`) || !strings.Contains(out, "u0000") {
				t.Errorf("%s: %d %s", body, code, out)
			}
		}
		if e.auditCount() != before {
			t.Fatal("a refused body changed something")
		}
	})
}
