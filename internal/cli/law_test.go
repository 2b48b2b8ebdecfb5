package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func runLawArgs(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := runLaw(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestLawPlanJSON(t *testing.T) {
	cases := []struct {
		name      string
		args      []string
		euWide    bool
		threshold float64
		minOpen   float64 // 0: no min_days expected
		procedure string  // one procedure that must be listed
	}{
		// 250,000 € supplies for the Land Hesse in 2026: EU-wide (216,000 €), open 30 days with e-submission.
		{"EU-wide", []string{"plan", "--value", "250000", "--nature", "supplies", "--authority", "hessen-land",
			"--date", "2026-03-02", "--esubmission"}, true, 216000, 30, "open"},
		// The same on 31.12.2025 with the 221,000 € threshold: 220,000 € stays national.
		{"national 2025", []string{"plan", "--value", "220000.00", "--nature", "supplies", "--authority", "hessen-municipality",
			"--date", "2025-12-31"}, false, 221000, 0, "public_tender"},
		// Central government services in 2026 (140,000 €), PIN and urgency: open 15 days.
		{"central, PIN, urgent", []string{"plan", "--value", "140000", "--nature", "services", "--authority", "central",
			"--date", "2026-01-01", "--pin", "--urgent"}, true, 140000, 15, "restricted"},
		// Hessian Direktauftrag up to 10,000 €.
		{"direct award", []string{"plan", "--value", "9999.99", "--nature", "services", "--authority", "hessen-land",
			"--date", "2026-03-02"}, false, 216000, 0, "direct_award"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runLawArgs(c.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(out), &m); err != nil {
				t.Fatalf("not one JSON object: %v\n%s", err, out)
			}
			for _, k := range []string{"eu_wide", "threshold_eur", "procedures", "min_days", "standstill_days", "sources", "timeline", "judgements"} {
				if _, ok := m[k]; !ok {
					t.Errorf("key %s missing", k)
				}
			}
			if m["eu_wide"] != c.euWide || m["threshold_eur"] != c.threshold {
				t.Errorf("eu_wide %v threshold %v", m["eu_wide"], m["threshold_eur"])
			}
			md := m["min_days"].(map[string]any)
			if c.minOpen != 0 {
				for _, k := range []string{"open", "restricted_participation", "restricted_tender", "negotiated_participation", "negotiated_tender"} {
					if _, ok := md[k].(float64); !ok {
						t.Errorf("min_days.%s missing", k)
					}
				}
				if md["open"] != c.minOpen || m["standstill_days"] != float64(10) {
					t.Errorf("open %v standstill %v", md["open"], m["standstill_days"])
				}
			}
			if !strings.Contains(out, `"`+c.procedure+`"`) {
				t.Errorf("procedure %s not listed", c.procedure)
			}
			if len(m["sources"].(map[string]any)) == 0 {
				t.Error("no sources")
			}
		})
	}
}

func TestLawExitCodes(t *testing.T) {
	base := []string{"plan", "--value", "250000", "--nature", "supplies", "--authority", "central", "--date", "2026-03-02"}
	with := func(flag, v string) []string {
		out := append([]string(nil), base...)
		for i := range out {
			if out[i] == flag {
				out[i+1] = v
			}
		}
		return out
	}
	cases := []struct {
		name    string
		args    []string
		code    int
		message string // on stderr
	}{
		{"works", with("--nature", "works"), 2, "works"},
		{"bad nature", with("--nature", "software"), 2, "nature"},
		{"bad authority", with("--authority", "bund"), 2, "authority"},
		{"float-looking value", with("--value", "2.5e5"), 2, "euro amount"},
		{"thousands separator", with("--value", "250.000"), 2, "euro amount"},
		{"bad date", with("--date", "02.03.2026"), 2, "date"},
		{"date before the tables", with("--date", "2023-12-31"), 2, "no_rule_for_date"},
		{"framework 49 months", append(append([]string(nil), base...), "--framework-months", "49"), 2, "§ 21 Abs. 6 VgV"},
		{"PIN too late", append(append([]string(nil), base...), "--pin-sent", "2026-02-01"), 2, "§ 38 Abs. 3 VgV"},
		{"missing value", []string{"plan", "--nature", "supplies", "--authority", "central", "--date", "2026-03-02"}, 2, "--value is required"},
		{"unknown flag", append(append([]string(nil), base...), "--bogus"), 2, "bogus"},
		{"unknown subcommand", []string{"check"}, 2, "unknown subcommand"},
		{"no subcommand", nil, 2, "Usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runLawArgs(c.args...)
			if code != c.code || !strings.Contains(errOut, c.message) || out != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q (want %q)", code, c.code, out, errOut, c.message)
			}
		})
	}
}

func TestLawHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"plan", "--help"}, {"plan", "-h"}} {
		code, out, _ := runLawArgs(args...)
		if code != 0 || !strings.Contains(out, "Usage: kopit law plan") {
			t.Errorf("%v: exit %d, %q", args, code, out)
		}
	}
}
