package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"kopit/internal/platform/db"
	"kopit/internal/platform/testkit"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// auditEntries runs kopit audit verify and returns the number of entries of
// an intact chain.
func auditEntries(t *testing.T, dir string) int {
	t.Helper()
	code, out, _ := run(t, "audit", "verify", "--data", dir)
	var n int
	if _, err := fmt.Sscanf(out, "audit chain intact: %d entries", &n); code != 0 || err != nil {
		t.Fatalf("verify: %d %s", code, out)
	}
	return n
}

func TestDemoIsIdempotentAndAuditVerifies(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir := t.TempDir()
	code, out, stderr := run(t, "demo", "--data", dir)
	var orgs, users int
	if _, err := fmt.Sscanf(out[strings.Index(out, "Demo data: ")+len("Demo data: "):], "%d organisations and %d users created", &orgs, &users); code != 0 ||
		err != nil || orgs < 31 || users < 40 {
		t.Fatalf("first demo: %d\n%s\n%s", code, out, stderr)
	}
	// Every module's demo data writes its audit entries: two demand projects, four tenders, two assemblies, two
	// framework agreements, the advice desk and the conference alone make 240. Asserted as a floor, so that a
	// module adding demo data does not have to touch this test.
	first := auditEntries(t, dir)
	if first < 240 {
		t.Fatalf("the demo wrote only %d audit entries", first)
	}
	code, out, _ = run(t, "demo", "--data", dir)
	if code != 0 || !strings.Contains(out, "0 organisations and 0 users created") {
		t.Fatalf("second demo changed something: %d\n%s", code, out)
	}
	if again := auditEntries(t, dir); again != first {
		t.Fatalf("the second demo run wrote %d audit entries", again-first)
	}

	// Tamper with entry 7 as someone with file access would.
	raw, err := sql.Open("sqlite", filepath.Join(dir, "kopit.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"DROP TRIGGER audit_log_no_update", "UPDATE audit_log SET entity_id = 'forged' WHERE seq = 7"} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, out, _ = run(t, "audit", "verify", "--data", dir)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 7") {
		t.Fatalf("tampered verify: %d %s", code, out)
	}
}

func TestVersionAndUsage(t *testing.T) {
	dir := t.TempDir()
	_, latest := latestSchema()
	want := fmt.Sprintf("schema version: %d", latest)
	if code, out, _ := run(t, "version", "--data", dir); code != 0 || !strings.Contains(out, want) {
		t.Fatalf("version without database: %d %s", code, out)
	}
	if code, _, _ := run(t, "migrate", "--data", dir); code != 0 {
		t.Fatal("migrate failed")
	}
	if code, out, _ := run(t, "version", "--data", dir); code != 0 || !strings.Contains(out, fmt.Sprintf("schema version: %d (binary brings %d, sqlite)", latest, latest)) {
		t.Fatalf("version: %d %s", code, out)
	}
	for _, cmd := range []string{"serve", "migrate", "demo", "version"} {
		if code, out, _ := run(t, cmd, "--help"); code != 0 || !strings.Contains(out, "Usage: kopit "+cmd) {
			t.Errorf("%s --help: %d %s", cmd, code, out)
		}
	}
	if code, _, _ := run(t, "nonsense"); code != 2 {
		t.Error("unknown command must exit 2")
	}
}

func TestUserCommands(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir := t.TempDir()
	if code, _, _ := run(t, "demo", "--data", dir); code != 0 {
		t.Fatal("demo failed")
	}
	code, out, stderr := run(t, "user", "create", "--data", dir, "--org", "Stadt Kassel", "--name", "Kim Neu",
		"--email", "kim@kassel.example", "--role", "member_buyer,member_representative", "--password", "ein-langes-passwort")
	if code != 0 || !strings.Contains(out, "created user kim@kassel.example") {
		t.Fatalf("create: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "user", "create", "--data", dir, "--org", "Stadt Kassel", "--name", "Kim Neu",
		"--email", "kim@kassel.example", "--role", "member_buyer", "--password", "ein-langes-passwort"); code != 2 || !strings.Contains(stderr, "already in use") {
		t.Fatalf("duplicate email: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "user", "grant", "--data", dir, "--email", "kim@kassel.example", "--role", "platform_admin"); code != 2 || !strings.Contains(stderr, "does not fit") {
		t.Fatalf("office role for a member: %d %s", code, stderr)
	}
	if code, _, _ := run(t, "user", "grant", "--data", dir, "--email", "kim@kassel.example", "--role", "member_admin"); code != 0 {
		t.Fatal("grant failed")
	}
	if code, _, stderr := run(t, "user", "set-password", "--data", dir, "--email", "kim@kassel.example", "--password", "kurz"); code != 2 || !strings.Contains(stderr, "at least 12") {
		t.Fatalf("short password: %d %s", code, stderr)
	}
	if code, _, _ := run(t, "user", "set-password", "--data", dir, "--email", "kim@kassel.example", "--password", "noch-ein-langes-passwort"); code != 0 {
		t.Fatal("set-password failed")
	}
}

func TestExportNotices(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir, out := t.TempDir(), filepath.Join(t.TempDir(), "notices")
	if code, _, stderr := run(t, "demo", "--data", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, stdout, stderr := run(t, "export", "notices", "--data", dir, "--out", out)
	if code != 0 || !strings.Contains(stdout, "6 notices written") {
		t.Fatalf("export: %d %s %s", code, stdout, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.xml"))
	if len(files) != 6 { // the two plans' PINs and the contract notices of the four tenders
		t.Fatalf("files: %v", files)
	}
	testkit.Validate(t, "validate-eforms", files...)
	if code, _, _ := run(t, "export", "notices", "--data", dir); code != 2 {
		t.Error("missing --out must exit 2")
	}
}

func TestExportOCDSWithoutPublishedTender(t *testing.T) {
	t.Setenv("KOPIT_LOG_LEVEL", "error")
	dir := t.TempDir()
	if code, _, _ := run(t, "migrate", "--data", dir); code != 0 {
		t.Fatal("migrate")
	}
	if code, _, stderr := run(t, "export", "ocds", "--data", dir); code != 1 || !strings.Contains(stderr, "no published tender") {
		t.Fatalf("export ocds of an empty installation: %d %s", code, stderr)
	}
	if code, _, _ := run(t, "export", "nonsense"); code != 2 {
		t.Error("unknown export kind must exit 2")
	}
}

func TestAuditVerifyAsksForMigrationOnAnOlderSchema(t *testing.T) {
	dir := t.TempDir()
	d, err := db.Open(context.Background(), filepath.Join(dir, "kopit.db"))
	if err != nil {
		t.Fatal(err)
	}
	_ = d.Close()
	code, _, stderr := run(t, "audit", "verify", "--data", dir)
	if code != 2 || !strings.Contains(stderr, "run `kopit migrate` first") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
