package agreement

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// relevance scores a hit for the query's stems (stem.German of each query
// word) with its name and manufacturer as sortKey spells them.
func relevance(stems []string, nameKey, manufacturerKey string) int {
	score := 0
	for _, s := range stems {
		switch {
		case startsAWord(nameKey, s):
			score += 2
		case manufacturerKey != "" && strings.Contains(manufacturerKey, s):
			score++
		}
	}
	return score
}

// sortKey spells a text as the stems do, lower case with umlauts as their
// vowels and ß as ss; names sort by it as German dictionaries do (DIN 5007:
// ä as a).
func sortKey(text string) string { return fold(strings.ToLower(text)) }

// startsAWord says whether word begins a word of text: it is found at the
// start or after a character that is neither letter nor digit.
func startsAWord(text, word string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], word)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		if r, _ := utf8.DecodeLastRuneInString(text[:at]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[at:])
		i = at + size
	}
}

var umlauts = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

func fold(s string) string {
	if !strings.ContainsAny(s, "äöüß") {
		return s
	}
	return umlauts.Replace(s)
}
