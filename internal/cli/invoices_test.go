package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/platform/testkit"
	"kopit/internal/xrechnung"
)

// TestExportInvoices writes the XRechnung of every confirmed demo call-off
// (confirmed, partially delivered, delivered, received); each parses, passes
// kopit's own check and the XRechnung validator.
func TestExportInvoices(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "rechnungen")
	if code, _, stderr := run(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, stdout, stderr := run(t, "export", "invoices", "--data", dir, "--out", out)
	if code != 0 || !strings.Contains(stdout, "4 invoices written") {
		t.Fatalf("export: %d %s %s", code, stdout, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "RE-*.xml"))
	if len(files) != 4 {
		t.Fatalf("files: %v", files)
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := xrechnung.Parse(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if findings := xrechnung.Check(inv); len(findings) > 0 {
			t.Errorf("%s: %v", f, findings)
		}
	}
	testkit.Validate(t, "validate-xrechnung", files...)
	if code, _, _ := run(t, "export", "invoices", "--data", dir); code != 2 {
		t.Error("missing --out must exit 2")
	}
}
