package app_test

import (
	"strings"
	"testing"
)

func TestOperationsEndpoints(t *testing.T) {
	e := newEnv(t, "")
	c := e.client("")
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready", "/api/openapi.json": `"openapi": "3.0.3"`} {
		if code, body := e.do(c, "GET", path, nil); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %.80s", path, code, body)
		}
	}
	e.do(c, "GET", "/login", nil)
	code, body := e.do(c, "GET", "/metrics", nil)
	if code != 200 || !strings.Contains(body, `kopit_http_requests_total{code="200",method="GET"}`) || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics: %d", code)
	}
	// Static assets have versioned, immutable URLs; stale versions are gone.
	_, page := e.do(c, "GET", "/login", nil)
	i := strings.Index(page, "/static/")
	href := page[i : i+strings.Index(page[i:], `"`)]
	res, err := c.Get(e.srv.URL + href)
	if err != nil || res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("asset %s: %v %v", href, res.StatusCode, err)
	}
	res.Body.Close()
	if code, _ := e.do(c, "GET", "/static/000000000000/css/kopit.css", nil); code != 404 {
		t.Errorf("stale asset version: %d", code)
	}
}

func TestLanguageSwitchAndEnglishMessages(t *testing.T) {
	e := newEnv(t, "")
	c := e.client("einkauf@hzd.example")
	if code, _ := e.do(c, "GET", "/lang?lang=en&back=/organisations", nil); code != 303 {
		t.Fatal("switch")
	}
	_, body := e.do(c, "GET", "/organisations", nil)
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Member register") {
		t.Error("the register is not in English after switching")
	}
	if code, _ := e.do(c, "GET", "/lang?lang=fr", nil); code != 404 {
		t.Error("unknown language accepted")
	}
	if code, _ := e.do(c, "GET", "/lang?lang=de&back=https://evil.example/", nil); code != 303 {
		t.Error("switch back")
	}
	res, _ := c.Get(e.srv.URL + "/lang?lang=de&back=//evil.example/")
	if loc := res.Header.Get("Location"); loc != "/" {
		t.Errorf("open redirect: Location %q", loc)
	}
}
