package agreement

import (
	"strings"

	"kopit/internal/agreement/stem"
)

// Relevance of a catalogue hit, the same on both engines. Every hit already
// contains every word of the query somewhere (name, long text, manufacturer,
// article number); what tells a buyer's "Dockingstation" from an item that
// mentions docking stations in passing is whether the word is in the item's
// name. So a query word found at the start of a word of the name counts 2,
// in the manufacturer 1; ties go by name. Scoring the candidates in Go from
// the name replaced SQLite's bm25() and PostgreSQL's ts_rank(), which read
// every posting of every query word (two thirds of a search's time over a
// million items) to weigh texts that are all alike.

// relevance scores a hit with the name and manufacturer for the query's
// stems (stem.German of each query word).
func relevance(stems []string, name, manufacturer string) int {
	if len(stems) == 0 {
		return 0
	}
	nameWords := foldedWords(name)
	maker := fold(strings.ToLower(manufacturer))
	score := 0
	for _, s := range stems {
		switch {
		case anyHasPrefix(nameWords, s):
			score += 2
		case maker != "" && strings.Contains(maker, s):
			score++
		}
	}
	return score
}

// foldedWords are the words of text as the stems spell them: lower case,
// umlauts without dots, ß as ss.
func foldedWords(text string) []string {
	words := stem.Tokens(text)
	for i, w := range words {
		words[i] = fold(w)
	}
	return words
}

var umlauts = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

func fold(s string) string {
	if !strings.ContainsAny(s, "äöüß") {
		return s
	}
	return umlauts.Replace(s)
}

func anyHasPrefix(words []string, prefix string) bool {
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}
