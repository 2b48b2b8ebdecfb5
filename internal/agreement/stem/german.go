// Package stem reduces German words to their stems with the Snowball German
// stemmer (https://snowballstem.org/algorithms/german/stemmer.html), so that
// the SQLite full-text index finds "Notebook" for "Notebooks" as PostgreSQL's
// to_tsvector('german', …) does. Text is stemmed in Go before it is indexed
// and the query the same way.
//
// The algorithm is small and fixed; it is written here rather than taken as a
// dependency because the Go Snowball module kopit would use
// (github.com/kljensen/snowball v0.10.0) ships no German stemmer.
package stem

import (
	"strings"
	"unicode"
)

// Words splits text into lower-case words (letters and digits) and stems each;
// the stems are joined by single blanks.
func Words(text string) string {
	var b strings.Builder
	for _, w := range Tokens(text) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(German(w))
	}
	return b.String()
}

// Tokens splits text into lower-case words of letters and digits.
func Tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func isVowel(r rune) bool {
	switch r {
	case 'a', 'e', 'i', 'o', 'u', 'y', 'ä', 'ö', 'ü':
		return true
	}
	return false
}

func validS(r rune) bool  { return strings.ContainsRune("bdfghklmnrt", r) }
func validSt(r rune) bool { return strings.ContainsRune("bdfghklmnt", r) }

// German stems one lower-case word.
func German(word string) string {
	w := []rune(strings.ReplaceAll(word, "ß", "ss"))
	// u and y between vowels are consonants: mark them upper case.
	for i := 1; i+1 < len(w); i++ {
		if (w[i] == 'u' || w[i] == 'y') && isVowel(w[i-1]) && isVowel(w[i+1]) {
			w[i] = unicode.ToUpper(w[i])
		}
	}
	r1 := region(w, 0)
	r2 := region(w, r1)
	if r1 < 3 {
		r1 = 3
	}
	if r1 > len(w) {
		r1 = len(w)
	}
	if r2 > len(w) {
		r2 = len(w)
	}

	// Step 1.
	switch s := longest(w, "ern", "em", "er", "en", "es", "e", "s"); s {
	case "ern", "em", "er":
		if len(w)-len([]rune(s)) >= r1 {
			w = w[:len(w)-len([]rune(s))]
		}
	case "en", "es", "e":
		if n := len(w) - len([]rune(s)); n >= r1 {
			w = w[:n]
			if hasSuffix(w, "niss") {
				w = w[:len(w)-1]
			}
		}
	case "s":
		if n := len(w) - 1; n >= r1 && n >= 1 && validS(w[n-1]) {
			w = w[:n]
		}
	}
	// Step 2.
	switch s := longest(w, "est", "en", "er", "st"); s {
	case "est", "en", "er":
		if n := len(w) - len(s); n >= r1 {
			w = w[:n]
		}
	case "st":
		if n := len(w) - 2; n >= r1 && n >= 4 && validSt(w[n-1]) {
			w = w[:n]
		}
	}
	// Step 3: derivational suffixes.
	in := func(n, region int) bool { return n >= region }
	switch s := longest(w, "isch", "lich", "heit", "keit", "end", "ung", "ig", "ik"); s {
	case "end", "ung":
		if n := len(w) - 3; in(n, r2) {
			w = w[:n]
			if hasSuffix(w, "ig") && in(len(w)-2, r2) && !hasSuffix(w, "eig") {
				w = w[:len(w)-2]
			}
		}
	case "ig", "ik", "isch":
		if n := len(w) - len(s); in(n, r2) && !(n >= 1 && w[n-1] == 'e') {
			w = w[:n]
		}
	case "lich", "heit":
		if n := len(w) - 4; in(n, r2) {
			w = w[:n]
			if (hasSuffix(w, "er") || hasSuffix(w, "en")) && in(len(w)-2, r1) {
				w = w[:len(w)-2]
			}
		}
	case "keit":
		if n := len(w) - 4; in(n, r2) {
			w = w[:n]
			switch {
			case hasSuffix(w, "lich") && in(len(w)-4, r2):
				w = w[:len(w)-4]
			case hasSuffix(w, "ig") && in(len(w)-2, r2):
				w = w[:len(w)-2]
			}
		}
	}
	// Undo the marks and remove the umlauts' dots.
	for i, r := range w {
		switch r {
		case 'U':
			w[i] = 'u'
		case 'Y':
			w[i] = 'y'
		case 'ä':
			w[i] = 'a'
		case 'ö':
			w[i] = 'o'
		case 'ü':
			w[i] = 'u'
		}
	}
	return string(w)
}

// region returns the start of the region after the first non-vowel that
// follows a vowel, searching from start.
func region(w []rune, start int) int {
	for i := start + 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return i + 1
		}
	}
	return len(w)
}

func hasSuffix(w []rune, s string) bool { return strings.HasSuffix(string(w), s) }

// longest returns the first of suffixes (given longest first) that w ends with.
func longest(w []rune, suffixes ...string) string {
	for _, s := range suffixes {
		if hasSuffix(w, s) {
			return s
		}
	}
	return ""
}
