package testkit

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RequireValidatorsEnv, set to 1 in CI, turns a missing validator into a
// failure instead of a skip.
const RequireValidatorsEnv = "KOPIT_REQUIRE_VALIDATORS"

// Validator returns the path of ../shared/tools/<name> beside the repository
// root, or skips the test (fails with KOPIT_REQUIRE_VALIDATORS=1) when the
// validator or xmllint is missing.
func Validator(t testing.TB, name string) string {
	t.Helper()
	missing := func(msg string) {
		t.Helper()
		if os.Getenv(RequireValidatorsEnv) == "1" {
			t.Fatalf("%s (%s=1)", msg, RequireValidatorsEnv)
		}
		t.Skipf("%s; run ../shared/tools/setup-validators, or set %s=1 to make this an error", msg, RequireValidatorsEnv)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			missing("repository root (go.mod) not found")
		}
		dir = parent
	}
	validator := filepath.Join(dir, "..", "shared", "tools", name)
	if _, err := os.Stat(validator); err != nil {
		missing(name + " not found: " + err.Error())
	}
	if _, err := exec.LookPath("xmllint"); err != nil {
		missing("xmllint (libxml2-utils) not installed")
	}
	return validator
}

// Validate runs a validator from ../shared/tools on files and fails the test
// with its output when it rejects them.
func Validate(t testing.TB, name string, files ...string) {
	t.Helper()
	v := Validator(t, name)
	out, err := exec.Command("bash", append([]string{v}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s rejected %v: %v\n%s", name, files, err, out)
	}
}
