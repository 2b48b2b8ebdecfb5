package agreement

import (
	"testing"

	"kopit/internal/agreement/stem"
)

func TestRelevance(t *testing.T) {
	for _, c := range []struct {
		query, name, manufacturer string
		want                      int
	}{
		{"Notebooks", "Notebook 14 Zoll, 16 GB", "Lenovo", 2},
		{"Notebooks", "USB-C-Dockingstation", "Dell", 0}, // only its long text mentions notebooks
		{"Dockingstationen", "USB-C-Dockingstation", "", 2},
		{"Docking", "Dockingstation mit Netzteil", "", 2},
		{"Kopfhörer", "Kopfhörer mit Mikrofon", "", 2},
		{"Größe", "Monitor, Größe 27 Zoll", "", 2},
		{"Lenovo Notebooks", "Notebook 14 Zoll", "Lenovo", 3},
		{"Lenovo Notebooks", "Lenovo ThinkPad Notebook", "Lenovo", 4},
		{"Bildschirme 27", "Bildschirm 27 Zoll", "", 4},
		{"Kabel", "Patchkabel Cat. 6a", "", 0}, // a word inside a compound is not its start
		{"", "Notebook", "Lenovo", 0},
		{"Book", "Notebook mit Book-Tasche", "", 2}, // the second "book" starts a word
		{"Maus", "Funkmaus", "", 0},
		{"Maus", "Funkmaus, Maus optisch", "", 2},
	} {
		var stems []string
		for _, w := range stem.Tokens(c.query) {
			stems = append(stems, stem.German(w))
		}
		if got := relevance(stems, sortKey(c.name), sortKey(c.manufacturer)); got != c.want {
			t.Errorf("relevance(%q, %q, %q) = %d, want %d", c.query, c.name, c.manufacturer, got, c.want)
		}
	}
}
