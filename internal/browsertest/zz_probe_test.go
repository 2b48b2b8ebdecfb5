package browsertest

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestProbeSetValue(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><input id="a" value="x">`))
	}))
	defer srv.Close()
	ctx := newTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"y", ""} {
		err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#a"), v))
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#a").value`))
		t.Logf("SetValue(%q): err=%v, value now %q", v, err, got)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`""`))
	t.Logf("Evaluate[string](\"\") = %q, %v", res, err)
}
