package advice

import (
	"runtime"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
)

// dangerous reports, for the HTML RenderMarkdown produced, the first thing
// that could run script or load active content, read the way a browser
// reads it (entities decoded, attribute names folded): a script, style,
// frame, object or form element, an event-handler or style attribute, or a
// URL attribute whose scheme is not http, https or mailto.
func dangerous(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "frame", "object", "embed", "form", "input", "button", "base", "meta", "link", "svg", "math", "template":
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					return "attribute " + key + " on <" + tok.Data + ">"
				}
				if key == "href" || key == "src" || key == "action" || key == "xlink:href" || key == "background" || key == "poster" {
					if !safeURL(a.Val) {
						return key + "=" + a.Val
					}
				}
			}
		}
	}
}

// safeURL: relative, or with scheme http, https or mailto, after removing
// what browsers ignore in a scheme (controls and blanks).
func safeURL(u string) bool {
	u = strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' || unicode.IsControl(r) || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, u))
	i := strings.IndexAny(u, ":/?#")
	if i < 0 || u[i] != ':' {
		return true // no scheme: relative
	}
	switch u[:i] {
	case "http", "https", "mailto":
		return true
	}
	return false
}

// FuzzRenderMarkdownIsSafe: whatever an author writes, the rendered article
// holds no script, event handler, style, frame or javascript:/data: URL,
// as a browser would parse it.
func FuzzRenderMarkdownIsSafe(f *testing.F) {
	for _, s := range []string{
		"## Antwort\n\nNach **§ 56 VgV** gilt:\n\n- erstens\n- zweitens\n\n[Quelle](https://www.gesetze-im-internet.de/vgv_2016/__56.html)",
		"<script>alert(1)</script>",
		"[a](javascript:alert(1))",
		"[a](java\tscript:alert(1))",
		"[a](JaVaScRiPt&#58;alert(1))",
		"[a](&#x6A;avascript:alert(1))",
		"![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<img src=x onerror=alert(1)>",
		"<a href=\"javascript:alert(1)\" onclick=\"alert(2)\">roh</a>",
		"<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
		"[x]: javascript:alert(1)\n\n[link][x]",
		"<javascript:alert(1)>",
		"www.example.com/<script>",
		"| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | [c](vbscript:msgbox) |",
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
		"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
		"```html\n<script>alert(1)</script>\n```",
		"<!-- <script>alert(1)</script> -->",
		"<![CDATA[<script>alert(1)</script>]]>",
		"\x00<scr\x00ipt>alert(1)</script>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := RenderMarkdown(src)
		if err != nil {
			t.Fatal(err)
		}
		if bad := dangerous(string(out)); bad != "" {
			t.Fatalf("%s survived in %q:\n%s", bad, src, out)
		}
	})
}

// TestRenderMarkdownPathologicalInputs renders articles of the longest
// allowed size (50,000 characters) built to make Markdown parsers nest or
// backtrack: memory stays bounded.
func TestRenderMarkdownPathologicalInputs(t *testing.T) {
	const n = 50_000
	for name, src := range map[string]string{
		"nested quotes": strings.Repeat(">", n),
		"nested lists":  strings.Repeat("- ", n/2),
		"indented lists": func() string {
			var b strings.Builder
			for i := 0; b.Len() < n-500; i++ {
				b.WriteString(strings.Repeat("  ", i) + "- x\n")
			}
			return b.String()
		}(),
		"open brackets":     strings.Repeat("[", n),
		"link chains":       strings.Repeat("[a](", n/4),
		"emphasis":          strings.Repeat("*a", n/2),
		"emphasis runs":     strings.Repeat("*", n/2) + "a" + strings.Repeat("_", n/2),
		"backticks":         strings.Repeat("`", n/2) + strings.Repeat("a`", n/4),
		"table columns":     "|" + strings.Repeat("a|", n/4) + "\n|" + strings.Repeat("-|", n/4) + "\n" + strings.Repeat("|b", n/8) + "\n",
		"html entities":     strings.Repeat("&#x6A;", n/6),
		"autolink":          "www." + strings.Repeat("a.", n/2),
		"reference defs":    strings.Repeat("[a]: /b\n", n/8) + strings.Repeat("[a]", n/8),
		"html comment open": "<!--" + strings.Repeat("-", n),
	} {
		t.Run(name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			out, err := RenderMarkdown(src)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if bad := dangerous(string(out)); bad != "" {
				t.Fatalf("%s survived", bad)
			}
			got := after.TotalAlloc - before.TotalAlloc
			if len(src) > 4*n {
				t.Fatalf("%d bytes: more than an article may hold", len(src))
			}
			t.Logf("%d bytes in, %d bytes out, allocated %.1f MiB", len(src), len(out), float64(got)/(1<<20))
			if got > 128<<20 {
				t.Errorf("allocated %d MiB for a %d-byte article", got>>20, len(src))
			}
		})
	}
}

// TestDangerousRecognisesAttacks keeps the fuzz target's oracle honest.
func TestDangerousRecognisesAttacks(t *testing.T) {
	for _, bad := range []string{`<script>x</script>`, `<img src=x onerror=y>`, `<a href="java&#x09;script:alert(1)">a</a>`,
		`<a href=" JAVASCRIPT:alert(1)">a</a>`, `<img src="data:image/svg+xml,x">`, `<p STYLE="x">`, `<a href="vbscript:x">`} {
		if dangerous(bad) == "" {
			t.Errorf("%s not recognised", bad)
		}
	}
	for _, good := range []string{`<a href="https://example.org/a:b" rel="nofollow">a</a>`, `<a href="/wissen/1">a</a>`,
		`<a href="mailto:a@b.example">a</a>`, `<a href="#x">`, `<a href="a/b:c">`, `<p>javascript:alert(1)</p>`} {
		if d := dangerous(good); d != "" {
			t.Errorf("%s flagged: %s", good, d)
		}
	}
}
