package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/catalog/bmecat"
)

// TestImportCatalogue: kopit import bmecat prints the report; a file with an
// entity declaration imports nothing and exits 1 with the reason.
func TestImportCatalogue(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir, files := t.TempDir(), t.TempDir()
	if code, _, stderr := run(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	var cat bytes.Buffer
	if err := bmecat.Generate(&cat, "1.2", 50, 3); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(files, "katalog.xml")
	if err := os.WriteFile(good, cat.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "import", "bmecat", "--data", dir, "--agreement", "RV-2026-002", good)
	if code != 0 || !strings.Contains(stdout, "BMEcat 1.2, T_NEW_CATALOG: 50 created, 0 updated, 0 deleted, 0 rejected") {
		t.Fatalf("import: %d %s %s", code, stdout, stderr)
	}
	bad := filepath.Join(files, "bombe.xml")
	if err := os.WriteFile(bad, []byte(`<?xml version="1.0"?><!DOCTYPE BMECAT [<!ENTITY a "x">]><BMECAT version="1.2"/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "import", "bmecat", "--data", dir, "--agreement", "RV-2026-002", bad); code != 1 || !strings.Contains(stderr, "nothing imported") {
		t.Errorf("hostile file: %d %s", code, stderr)
	}
	if code, _, _ := run(t, "import", "bmecat", "--data", dir, good); code != 2 {
		t.Error("missing --agreement must exit 2")
	}
	if code, _, _ := run(t, "import", "bmecat", "--data", dir, "--agreement", "RV-0000", good); code != 1 {
		t.Error("unknown agreement must exit 1")
	}
}
