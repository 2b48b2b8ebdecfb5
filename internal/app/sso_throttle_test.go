package app_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// Anonymous single sign-on requests are bounded: each start stores a pending
// login, each refused return an audit entry.
func TestSSORequestsAreThrottled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		anon := e.client("")
		for i := 1; i <= 100; i++ {
			if code, _ := e.do(anon, "POST", "/sso/start", url.Values{"email": {fmt.Sprintf("person%d@ohne-sso.example", i)}}); code == 429 {
				t.Fatalf("start %d already throttled", i)
			}
		}
		code, page := e.do(anon, "POST", "/sso/start", url.Values{"email": {"noch-jemand@ohne-sso.example"}})
		if code != 429 || !strings.Contains(page, "Zu viele Anmeldeversuche") {
			t.Fatalf("101st start from one IP address: %d", code)
		}

		before := e.auditCount()
		for i := 1; i <= 100; i++ {
			if code, _ := e.do(anon, "GET", "/sso/callback?state=gefaelscht&code=x", nil); code != 403 {
				t.Fatalf("refused return %d: %d", i, code)
			}
		}
		if code, _ := e.do(anon, "GET", "/sso/callback?state=gefaelscht&code=x", nil); code != 429 {
			t.Fatalf("101st refused return: %d", code)
		}
		if got := e.auditCount() - before; got != 100 {
			t.Fatalf("%d audit entries for 101 refused returns, want 100 (none once throttled)", got)
		}
	})
}
