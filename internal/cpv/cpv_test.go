package cpv

import "testing"

func TestLookup(t *testing.T) {
	v, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 9454 {
		t.Fatalf("%d codes, want the 9,454 of CPV 2008", v.Len())
	}
	cases := []struct {
		in    string
		want  string
		found bool
	}{
		{"30213100-6", "30213100-6", true}, // portable computers
		{"30213100", "30213100-6", true},
		{" 30231300-0 ", "30231300-0", true}, // display screens
		{"30213100-5", "", false},            // wrong check digit
		{"99999999", "", false},
		{"3021310", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := v.Lookup(c.in)
		if ok != c.found || (ok && got.String() != c.want) {
			t.Errorf("Lookup(%q) = %v %v, want %q %v", c.in, got, ok, c.want, c.found)
		}
	}
}

func TestSearch(t *testing.T) {
	v, _ := Load()
	if got := v.Search("302131", 10); len(got) == 0 || got[0].Digits != "30213100" {
		t.Errorf("prefix search: %v", got)
	}
	got := v.Search("portable computers", 5)
	if len(got) == 0 {
		t.Fatal("word search found nothing")
	}
	for _, c := range got {
		if !matchesAll(c.String()+" "+lower(c.Label), []string{"portable", "computers"}) {
			t.Errorf("%v does not match", c)
		}
	}
	if len(v.Search("computer", 3)) != 3 {
		t.Error("limit not applied")
	}
	if v.Search("", 10) != nil {
		t.Error("empty query must find nothing")
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}
