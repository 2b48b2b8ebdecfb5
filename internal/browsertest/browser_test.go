package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireBrowserEnv, set to 1 in CI, turns a missing chromium into a failure.
const RequireBrowserEnv = "KOPIT_REQUIRE_BROWSER"

// tabTimeout bounds every journey (per database): waits never hang a run.
const tabTimeout = 30 * time.Second

// browser is the one chromium of the test binary; every test opens its own
// tabs in fresh browser contexts (no shared cookies).
var browser struct {
	missing string          // why there is no browser, if there is none
	root    context.Context // chromedp context of the browser, started lazily
	once    sync.Once
	err     error
}

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	path, err := chromiumPath()
	if err != nil {
		browser.missing = err.Error()
		return m.Run()
	}
	// One profile directory for the binary's one browser (t.TempDir belongs
	// to a single test and would vanish under the running browser).
	dir, err := os.MkdirTemp("", "kopit-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	defer os.RemoveAll(dir)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// kern.css sets html {scroll-behavior: smooth}: chromedp's click
		// scrolls its target into view and presses where the target is at
		// that moment, so during a smooth scroll (e.g. after a redirect to
		// "#lots") it misses and the journey hangs. Scroll instantly.
		chromedp.Flag("disable-smooth-scrolling", true),
		// kopit negotiates the language from Accept-Language; the journeys
		// are written against the German texts, as a member's browser sends.
		chromedp.Flag("lang", "de-DE"),
		chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	root, cancelRoot := chromedp.NewContext(allocCtx)
	defer cancelRoot()
	browser.root = root
	return m.Run()
}

// chromiumPath finds Debian's chromium: the binary itself (which skips the
// wrapper script's stderr noise) or else whatever "chromium" is on PATH.
func chromiumPath() (string, error) {
	const debian = "/usr/lib/chromium/chromium"
	if st, err := os.Stat(debian); err == nil && !st.IsDir() {
		return debian, nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("chromium not found (neither %s nor chromium on PATH; install it with `apt-get install chromium`)", debian)
}

// requireBrowser skips the test when there is no chromium, or fails it when
// KOPIT_REQUIRE_BROWSER=1; it starts the shared browser on first use.
func requireBrowser(t *testing.T) {
	t.Helper()
	if browser.missing != "" {
		if os.Getenv(RequireBrowserEnv) == "1" {
			t.Fatalf("%s, but %s=1", browser.missing, RequireBrowserEnv)
		}
		t.Skipf("skipping browser test: %s (set %s=1 to make this a failure)", browser.missing, RequireBrowserEnv)
	}
	// The first Do binds the browser's life to the context it gets, so it
	// gets the root context, which has no timeout.
	browser.once.Do(func() { browser.err = chromedp.Do(browser.root) })
	if browser.err != nil {
		t.Fatalf("start chromium: %v", browser.err)
	}
}

// newTab opens a tab in a fresh browser context (its own cookies, like a
// private window). The returned context has the journey's timeout; the tab
// closes when the test ends.
func newTab(t *testing.T) context.Context {
	t.Helper()
	return newTabWithin(t, tabTimeout)
}

// newTabWithin is newTab with another timeout, for longer journeys.
func newTabWithin(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	requireBrowser(t)
	tabCtx, cancelTab := chromedp.NewContext(browser.root, chromedp.WithNewBrowserContext())
	if err := chromedp.Do(tabCtx); err != nil { // opens the tab, without the timeout
		cancelTab()
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabCtx, timeout)
	t.Cleanup(func() { cancel(); cancelTab() })
	return ctx
}
