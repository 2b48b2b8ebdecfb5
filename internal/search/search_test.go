package search

import (
	"slices"
	"strings"
	"testing"
)

func TestWhoMayFindWhat(t *testing.T) {
	member := viewer{member: true, groups: []string{"g1"}}
	supplier := viewer{}
	may := func(v viewer, audience string) bool {
		return v.audiences() == nil || slices.Contains(v.audiences(), audience)
	}
	cases := []struct {
		audience         string
		member, supplier bool
	}{
		{Public, true, true},
		{Members, true, false},
		{Group("g1"), true, false},
		{Group("g2"), false, false},
		{"group:", false, false},
	}
	for _, c := range cases {
		if may(member, c.audience) != c.member || may(supplier, c.audience) != c.supplier {
			t.Errorf("%q: member %v supplier %v", c.audience, may(member, c.audience), may(supplier, c.audience))
		}
	}
	if (viewer{office: true, groups: []string{"g1"}}).audiences() != nil {
		t.Error("the office's query should not filter by audience")
	}
}

func TestSummaryCutsAtAWord(t *testing.T) {
	cases := []struct{ in, want string }{
		{"kurz", "kurz"},
		{"  Zeilen\n\nund   Leerraum  ", "Zeilen und Leerraum"},
		{"Ausschreibung von Notebooks für alle Mitglieder", "Ausschreibung von …"},
		{strings.Repeat("ü", 30), strings.Repeat("ü", 20) + " …"},
	}
	for _, c := range cases {
		if got := summary(c.in, 20); got != c.want {
			t.Errorf("summary(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
