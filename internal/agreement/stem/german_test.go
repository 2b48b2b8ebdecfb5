package stem

import "testing"

// Word pairs worked through the published algorithm (R1/R2, steps 1–3,
// umlauts), among them the plurals the catalogue search depends on.
func TestGerman(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"notebooks", "notebook"},
		{"notebook", "notebook"},
		{"monitore", "monitor"},
		{"monitor", "monitor"},
		{"tastaturen", "tastatur"},
		{"tastatur", "tastatur"},
		{"aufeinanderfolgenden", "aufeinanderfolg"},
		{"kategorischen", "kategor"},
		{"häuser", "haus"},
		{"haus", "haus"},
		{"ergebnisse", "ergebnis"},
		{"ergebnis", "ergebnis"},
		{"schönheit", "schonheit"},
		{"möglichkeiten", "moglich"},
		{"straße", "strass"},
		{"bauen", "bau"},
		{"dockingstationen", "dockingstation"},
	} {
		if got := German(c.in); got != c.want {
			t.Errorf("German(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWords(t *testing.T) {
	if got, want := Words("Notebooks, 14 Zoll – Dockingstationen!"), "notebook 14 zoll dockingstation"; got != want {
		t.Errorf("Words = %q, want %q", got, want)
	}
}
