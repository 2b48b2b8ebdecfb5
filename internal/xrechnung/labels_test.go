package xrechnung

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%\[(\d)\][sq]`)

// Every code has a German and an English text, both use the same
// arguments, and no text formats badly.
func TestEveryCodeHasALabel(t *testing.T) {
	codes := Codes()
	if len(codes) != len(labels) {
		t.Errorf("%d codes, %d labels", len(codes), len(labels))
	}
	seen := map[Code]bool{}
	for _, c := range codes {
		if seen[c] {
			t.Errorf("%s listed twice", c)
		}
		seen[c] = true
		de, en := Label(c, "de"), Label(c, "en")
		if de == string(c) || en == string(c) || de == en || Label(c, "") != de {
			t.Errorf("%s: de %q en %q", c, de, en)
			continue
		}
		dv, ev := verbs(de), verbs(en)
		if strings.Join(dv, ",") != strings.Join(ev, ",") {
			t.Errorf("%s: arguments differ: de %v en %v", c, dv, ev)
		}
		args := make([]string, len(dv))
		for i := range args {
			args[i] = "x"
		}
		for _, lang := range []string{"de", "en"} {
			if m := Message(c, lang, "", "", args...); strings.Contains(m, "%!") {
				t.Errorf("%s %s: %q", c, lang, m)
			}
		}
	}
	if Label("nope", "de") != "nope" {
		t.Error("unknown code")
	}
}

func verbs(s string) []string {
	set := map[string]bool{}
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
