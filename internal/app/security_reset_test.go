package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kopit/internal/demo"
)

// resetMails counts the reset mails queued for addr.
func (e *env) resetMails(addr string) int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM outbox WHERE to_addr = ? AND subject LIKE ?",
		addr, "%Passwort%").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// forgot posts the forgot-password form (the server sees the loopback
// address whatever X-Forwarded-For says).
func (e *env) forgot(email string, header ...string) (int, string) {
	e.t.Helper()
	res, body := e.raw("POST", "/password/forgot", url.Values{"email": {email}}, header...)
	return res.StatusCode, body
}

// The forgot-password form cannot be used to flood a mailbox or to probe
// many addresses: 3 requests per address and 10 per IP address within 15
// minutes; then 429 with the message at the field and no mail. Known and
// unknown addresses are counted alike; reset requests do not lock the user
// out of signing in; after the window it works again.
func TestSecurityPasswordResetIsThrottled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		victim := "einkauf@hzd.example"
		for i := range 3 {
			if code, _ := e.forgot(victim); code != 303 {
				t.Fatalf("reset request %d: %d", i+1, code)
			}
		}
		before := e.auditCount()
		code, body := e.forgot(strings.ToUpper(victim), "X-Forwarded-For", "203.0.113.9")
		if code != http.StatusTooManyRequests || !strings.Contains(body, "zu viele Links angefordert") || !strings.Contains(body, `id="f-email-error"`) {
			t.Fatalf("4th request for the same address: %d\n%s", code, body)
		}
		if n := e.resetMails(victim); n != 3 {
			t.Errorf("%d reset mails queued, want 3", n)
		}
		if e.auditCount() != before {
			t.Error("a throttled request was audited as a reset")
		}
		// The user can still sign in: reset requests are not failed sign-ins.
		if res := e.loginForm(victim, "/", ""); setCookie(res, "kopit_session") == nil {
			t.Error("sign-in after reset requests failed")
		}
		// An unknown address answers exactly like a known one.
		for range 3 {
			if code, _ := e.forgot("nobody@nowhere.example"); code != 303 {
				t.Fatalf("unknown address: %d", code)
			}
		}
		if code, _ := e.forgot("nobody@nowhere.example"); code != http.StatusTooManyRequests {
			t.Errorf("4th request for an unknown address: %d, want 429 as for a known one", code)
		}

		// Per IP address: 6 requests so far; 4 more addresses pass, the next is refused.
		for i := range 4 {
			if code, _ := e.forgot("probe" + string(rune('a'+i)) + "@hzd.example"); code != 303 {
				t.Fatalf("address %d from the same IP: %d", i, code)
			}
		}
		if code, _ := e.forgot("vorstand@hzd.example"); code != http.StatusTooManyRequests {
			t.Errorf("11th request from one IP address: %d, want 429", code)
		}
		if n := e.resetMails("vorstand@hzd.example"); n != 0 {
			t.Errorf("the refused request queued %d mails", n)
		}

		// After the window (and the periodic clean-up) it works again.
		e.clock.Advance(16 * time.Minute)
		if err := e.app.Auth.PurgeExpired(context.Background()); err != nil {
			t.Fatal(err)
		}
		if code, _ := e.forgot(victim); code != 303 {
			t.Errorf("after the window: %d", code)
		}
	})
}

// The link in the reset mail is built from KOPIT_BASE_URL, never from the
// request's Host or X-Forwarded-Host.
func TestSecurityResetLinkIgnoresHostHeader(t *testing.T) {
	e := newEnv(t, "")
	req, _ := http.NewRequest("POST", e.srv.URL+"/password/forgot", strings.NewReader(url.Values{"email": {"vorstand@hzd.example"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("Forwarded", "host=evil.example")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 303 {
		t.Fatalf("forgot: %d", res.StatusCode)
	}
	m := e.sentTo("vorstand@hzd.example", "Passwort")
	if strings.Contains(m.Body, "evil.example") || !strings.Contains(m.Body, e.app.Config.BaseURL+"/password/set?") {
		t.Errorf("reset mail does not use the configured base URL:\n%s", m.Body)
	}
}

// Sign-in throttling (per address: badinput_test.go) also holds per IP
// address: 30 failures over many addresses block a 31st attempt, even with
// the right password of another user; neither a spoofed X-Forwarded-For nor
// another spelling of an address gets round it.
func TestSecurityLoginIsThrottledPerIP(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		login := func(email, password string, header ...string) (int, string) {
			res, body := e.raw("POST", "/login", url.Values{"email": {email}, "password": {password}}, header...)
			return res.StatusCode, body
		}
		for i := range 4 {
			if code, _ := login("einkauf@hzd.example", "wrong-password-"+string(rune('a'+i))); code != 422 {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		if code, _ := login(" EINKAUF@HZD.example", "wrong-password-e", "X-Forwarded-For", "198.51.100.7"); code != 422 {
			t.Fatalf("5th failure: %d", code)
		}
		if code, _ := login("einkauf@hzd.example", demo.Password); code != http.StatusTooManyRequests {
			t.Errorf("after 5 failures under two spellings: %d, want 429", code)
		}
		for i := 5; i < 30; i++ {
			if code, _ := login("probe"+strings.Repeat("x", i)+"@hzd.example", "wrong-password-x", "X-Forwarded-For", "198.51.100."+string(rune('0'+i%10))); code != 422 {
				t.Fatalf("failure %d: %d", i, code)
			}
		}
		code, body := login("vorstand@hzd.example", demo.Password, "X-Forwarded-For", "203.0.113.1")
		if code != http.StatusTooManyRequests || !strings.Contains(body, "Bitte warten Sie 15 Minuten") {
			t.Errorf("31st attempt from one IP address: %d, want 429", code)
		}
	})
}
