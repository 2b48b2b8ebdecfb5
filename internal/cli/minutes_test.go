package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportMinutesOfTheLastAssembly(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir := t.TempDir()
	if code, out, stderr := run(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, stderr)
	}
	pdf := filepath.Join(t.TempDir(), "gv.pdf")
	if code, out, stderr := run(t, "export", "minutes", "--data", dir, "--assembly", "last", "--out", pdf); code != 0 {
		t.Fatalf("export minutes: %d %s %s", code, out, stderr)
	}
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"%PDF", "Niederschrift", "drei Viertel", "abgelehnt", "Elektronisch unterzeichnet"} {
		if !strings.Contains(s, want) {
			t.Errorf("minutes lack %q", want)
		}
	}
	if code, _, _ := run(t, "export", "minutes", "--data", dir, "--assembly", "01nonexistent0000000000000", "--out", pdf); code == 0 {
		t.Error("an unknown assembly was exported")
	}
}
