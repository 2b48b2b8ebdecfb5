package cpv

import (
	"strings"
	"testing"
)

// FuzzLookupAndSearch: what a user types into a CPV field or the search box.
// Lookup finds a code only for its eight digits, optionally with the right
// check digit, and the code it returns looks itself up again; Search
// returns at most limit codes, in code order, each matching the query.
func FuzzLookupAndSearch(f *testing.F) {
	for _, s := range []string{"30213100-6", "30213100", " 30213100-6 ", "30213100-7", "30213100-", "-6", "3021", "3021310O-6",
		"notebook", "Laptop computers", "72", "\xff", "30213100-6-6", strings.Repeat("a ", 1000), "%", "_"} {
		f.Add(s, 10)
	}
	v, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if c, ok := v.Lookup(s); ok {
			if len(c.Digits) != 8 || len(c.Check) != 1 || !strings.HasPrefix(strings.TrimSpace(s), c.Digits) {
				t.Fatalf("Lookup(%q) = %+v", s, c)
			}
			if again, ok := v.Lookup(c.String()); !ok || again != c {
				t.Fatalf("Lookup(%q) does not find itself", c)
			}
		}
		limit %= 200
		got := v.Search(s, limit)
		if len(got) > max(limit, 0) {
			t.Fatalf("Search(%q, %d) returned %d codes", s, limit, len(got))
		}
		q := strings.ToLower(strings.TrimSpace(s))
		for i, c := range got {
			if i > 0 && got[i-1].Digits >= c.Digits {
				t.Fatalf("not in code order: %s before %s", got[i-1], c)
			}
			text := strings.ToLower(c.String() + " " + c.Label)
			if !strings.HasPrefix(c.Digits, strings.TrimSuffix(q, "-")) && !matchesAll(text, strings.Fields(q)) {
				t.Fatalf("%s does not match %q", c, s)
			}
		}
	})
}
