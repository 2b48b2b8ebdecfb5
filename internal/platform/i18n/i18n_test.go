package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"kopit/internal/platform/i18n"
)

func TestCataloguesAgree(t *testing.T) {
	if _, err := i18n.Load(); err != nil {
		t.Fatal(err)
	}
}

// Literal message keys: in templates the argument of T and the label of
// Field/Select; in Go the error and flash keys and page titles.
var (
	templateKey = regexp.MustCompile(`(?:\.T|\.Field "[a-z_]+"|\.Select "[a-z_]+") "([a-z_.]+)"`)
	goKey       = regexp.MustCompile(`"((?:error|flash|mail\.invite|mail\.reset)\.[a-z_.]+)"|NewPage\(r, "([a-z_.]+)"`)
)

// TestEveryKeyUsedExists scans the source for message keys: a typo would show
// "[key]" to users.
func TestEveryKeyUsedExists(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..", "..")
	var missing []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".html") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		re := goKey
		if strings.HasSuffix(path, ".html") {
			re = templateKey
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			key := m[1]
			if key == "" && len(m) > 2 {
				key = m[2]
			}
			if strings.HasSuffix(key, ".") || cat.Has(key) {
				continue
			}
			missing = append(missing, path+": "+key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range missing {
		t.Error("missing message key ", m)
	}
}

func TestFormats(t *testing.T) {
	// 15 December 2026, 09:00 UTC is 10:00 in Berlin (CET, UTC+1).
	at := time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{i18n.DateTime("de", at), "15.12.2026, 10:00 Uhr"},
		{i18n.DateTime("en", at), "15 Dec 2026, 10:00"},
		// Summer time: UTC+2.
		{i18n.DateTime("de", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)), "01.07.2026, 10:00 Uhr"},
		{i18n.Date("de", at), "15.12.2026"},
		{i18n.Number("de", 1234567), "1.234.567"},
		{i18n.Number("en", -1234), "-1,234"},
		{i18n.Number("de", 999), "999"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct{ choice, accept, want string }{
		{"", "", "de"},
		{"en", "de-DE", "en"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", "fr-FR", "de"},
		{"xx", "de-AT", "de"},
	}
	for _, c := range cases {
		if got := i18n.Negotiate(c.choice, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.choice, c.accept, got, c.want)
		}
	}
}
