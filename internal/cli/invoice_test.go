package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/platform/testkit"
)

func businessCase(t *testing.T, name string) string {
	t.Helper()
	file := filepath.Join("..", "..", "..", "shared", "standards", "xrechnung", "business-cases", name)
	if _, err := os.Stat(file); err != nil {
		if os.Getenv(testkit.RequireValidatorsEnv) == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return file
}

func TestInvoiceCheck(t *testing.T) {
	for _, tc := range []struct{ file, syntax string }{
		{"01.01a-INVOICE_ubl.xml", "ubl"},
		{"01.01a-INVOICE_uncefact.xml", "cii"},
	} {
		code, out, stderr := run(t, "invoice", "check", businessCase(t, tc.file))
		if code != 0 || stderr != "" {
			t.Fatalf("%s: exit %d\n%s", tc.file, code, stderr)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v\n%s", tc.file, err, out)
		}
		want := map[string]any{
			"syntax": tc.syntax, "number": "123456XX", "issue_date": "2016-04-04", "seller": "[Seller name]",
			"buyer": "[Buyer name]", "buyer_reference": "04011000-12345-03", "currency": "EUR", "lines": 2.0,
			"line_total": "314.86", "tax_exclusive": "314.86", "tax": "22.04", "tax_inclusive": "336.9", "payable": "336.9",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %v, want %v", tc.file, k, got[k], v)
			}
		}
		if f, ok := got["findings"].([]any); !ok || len(f) != 0 {
			t.Errorf("%s: findings %v", tc.file, got["findings"])
		}
	}
}

func TestInvoiceCheckFindings(t *testing.T) {
	src, err := os.ReadFile(businessCase(t, "01.01a-INVOICE_ubl.xml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(src), `<cbc:PayableAmount currencyID="EUR">336.9<`, `<cbc:PayableAmount currencyID="EUR">363.9<`, 1)
	bad = strings.Replace(bad, "04011000-12345-03", "04011000-12345-30", 1)
	file := filepath.Join(t.TempDir(), "bad.xml")
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := run(t, "invoice", "check", "--lang", "de", file)
	var rep struct {
		Payable  string `json:"payable"`
		Findings []struct {
			Code, Field, Message string
			Args                 []string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 {
		t.Fatalf("exit %d, %v\n%s", code, err, out)
	}
	if rep.Payable != "363.9" || len(rep.Findings) != 2 ||
		rep.Findings[0].Code != "leitweg_id_check_digit" || rep.Findings[0].Args[1] != "03" ||
		rep.Findings[1].Code != "payable_mismatch" || rep.Findings[1].Field != "BT-115" ||
		!strings.HasPrefix(rep.Findings[1].Message, "BT-115: Fälliger Betrag müsste 336.90 sein") {
		t.Errorf("report: %+v", rep)
	}
	// --strict turns findings into exit code 1; flags may follow FILE.
	if code, out, _ := run(t, "invoice", "check", file, "--strict"); code != 1 || !strings.Contains(out, `"payable_mismatch"`) {
		t.Errorf("--strict: exit %d\n%s", code, out)
	}
}

func TestInvoiceCheckRefuses(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", []string{"invoice"}, 2, "Usage: kopit invoice check"},
		{"unknown subcommand", []string{"invoice", "send"}, 2, `unknown subcommand "send"`},
		{"no file", []string{"invoice", "check"}, 2, "exactly one FILE expected, got 0"},
		{"two files", []string{"invoice", "check", "a.xml", "b.xml"}, 2, "exactly one FILE expected, got 2"},
		{"unknown flag", []string{"invoice", "check", "--nope", "a.xml"}, 2, "flag provided but not defined"},
		{"bad language", []string{"invoice", "check", "--lang", "fr", "a.xml"}, 2, "--lang must be en or de"},
		{"missing file", []string{"invoice", "check", filepath.Join(dir, "missing.xml")}, 2, "no such file"},
		{"not XML", []string{"invoice", "check", write("x.pdf", "%PDF-1.7")}, 1, "not well-formed XML"},
		{"an order", []string{"invoice", "check", write("order.xml", `<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`)},
			1, `root element is "Order" in namespace "urn:oasis:names:specification:ubl:schema:xsd:Order-2"`},
		{"DOCTYPE", []string{"invoice", "check", write("dtd.xml", `<!DOCTYPE Invoice [<!ENTITY x "y">]><Invoice/>`)}, 1, "(doctype)"},
		{"German reason", []string{"invoice", "check", "--lang", "de", write("o.xml", `<Order/>`)}, 1, "Keine E-Rechnung"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) || out != "" {
				t.Errorf("exit %d (want %d)\nstdout %q\nstderr %q (want %q)", code, tc.code, out, stderr, tc.stderr)
			}
		})
	}
	if code, out, _ := run(t, "invoice", "--help"); code != 0 || !strings.Contains(out, "Usage: kopit invoice check") {
		t.Errorf("--help: %d %s", code, out)
	}
	if code, out, _ := run(t, "invoice", "check", "--help"); code != 0 || !strings.Contains(out, "-strict") {
		t.Errorf("check --help: %d %s", code, out)
	}
}
