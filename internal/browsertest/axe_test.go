package browsertest

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1 (MPL-2.0, see testdata/axe-LICENSE.txt).
//
//go:embed testdata/axe.min.js
var axeSource string

// axeViolation is one failed axe rule with the elements that fail it.
type axeViolation struct {
	ID      string    `json:"id"`
	Impact  string    `json:"impact"`
	Help    string    `json:"help"`
	HelpURL string    `json:"helpUrl"`
	Nodes   []axeNode `json:"nodes"`
}

type axeNode struct {
	Target  []string `json:"target"` // selectors; a frame or shadow path is joined with " >>> "
	HTML    string   `json:"html"`
	Summary string   `json:"summary"`
}

// axeRun runs every axe rule on the document and returns the violations in a
// shape that decodes without surprises.
const axeRun = `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
  id: v.id, impact: v.impact || "", help: v.help, helpUrl: v.helpUrl,
  nodes: v.nodes.map(n => ({
    target: n.target.map(s => Array.isArray(s) ? s.join(" >>> ") : String(s)),
    html: n.html, summary: n.failureSummary || ""
  }))
})))`

// axeViolations injects axe-core into the current page (once per document)
// and runs it.
func axeViolations(ctx context.Context) ([]axeViolation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === "object"`))
	if err != nil {
		return nil, fmt.Errorf("look for axe: %w", err)
	}
	if !loaded {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+"\n;typeof window.axe === \"object\""))
		if err != nil {
			return nil, fmt.Errorf("inject axe: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("inject axe: window.axe missing after evaluating axe.min.js")
		}
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	return v, nil
}

// checkA11y runs axe on the page in ctx and fails the test with every
// violation of impact "serious" or "critical" (rule id, impact, help and the
// selectors of the failing elements). Lesser findings are logged.
func checkA11y(t *testing.T, ctx context.Context, pageName string) {
	t.Helper()
	violations, err := axeViolations(ctx)
	if err != nil {
		t.Fatalf("%s: %v", pageName, err)
	}
	var serious, minor []string
	for _, v := range violations {
		var b strings.Builder
		fmt.Fprintf(&b, "  [%s] %s: %s (%s)", v.Impact, v.ID, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n      at %s", strings.Join(n.Target, ", "))
			if n.HTML != "" {
				fmt.Fprintf(&b, "  %s", truncate(n.HTML, 160))
			}
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			serious = append(serious, b.String())
		} else {
			minor = append(minor, b.String())
		}
	}
	if len(minor) > 0 {
		t.Logf("axe on %s: %d moderate/minor finding(s):\n%s", pageName, len(minor), strings.Join(minor, "\n"))
	}
	if len(serious) > 0 {
		t.Errorf("axe on %s: %d serious/critical violation(s):\n%s", pageName, len(serious), strings.Join(serious, "\n"))
	}
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
