// Package cpv is the Common Procurement Vocabulary (CPV 2008, Regulation (EC)
// No 213/2008): the 9,454 codes with their check digits and English labels,
// embedded in the binary, with lookup and search.
package cpv

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

//go:embed data/cpv-2008-en.json
var raw []byte

// Code is one CPV code.
type Code struct {
	Digits string // eight digits, e.g. "30213100"
	Check  string // the check digit, e.g. "6"
	Label  string // English label
}

// String is the official notation "30213100-6".
func (c Code) String() string { return c.Digits + "-" + c.Check }

// Division is the first two digits (e.g. "30": office and computing machinery).
func (c Code) Division() string { return c.Digits[:2] }

// Vocabulary is the whole list.
type Vocabulary struct {
	codes  []Code
	byCode map[string]int
	lower  []string // lower-cased "code label" for search
}

// Load returns the embedded vocabulary, parsed once.
var Load = sync.OnceValues(func() (*Vocabulary, error) {
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("cpv: %w", err)
	}
	v := &Vocabulary{byCode: make(map[string]int, len(m))}
	for full, label := range m {
		digits, check, ok := strings.Cut(full, "-")
		if !ok || len(digits) != 8 || len(check) != 1 {
			return nil, fmt.Errorf("cpv: malformed code %q", full)
		}
		v.codes = append(v.codes, Code{Digits: digits, Check: check, Label: label})
	}
	sort.Slice(v.codes, func(i, j int) bool { return v.codes[i].Digits < v.codes[j].Digits })
	v.lower = make([]string, len(v.codes))
	for i, c := range v.codes {
		v.byCode[c.Digits] = i
		v.lower[i] = strings.ToLower(c.String() + " " + c.Label)
	}
	return v, nil
})

// Len is the number of codes.
func (v *Vocabulary) Len() int { return len(v.codes) }

// Lookup finds "30213100" or "30213100-6"; a given check digit must match.
func (v *Vocabulary) Lookup(s string) (Code, bool) {
	digits, check, hasCheck := strings.Cut(strings.TrimSpace(s), "-")
	i, ok := v.byCode[digits]
	if !ok {
		return Code{}, false
	}
	c := v.codes[i]
	if hasCheck && check != c.Check {
		return Code{}, false
	}
	return c, true
}

// Search returns up to limit codes whose code starts with q (digits) or whose
// text contains every word of q, in code order.
func (v *Vocabulary) Search(q string, limit int) []Code {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" || limit <= 0 {
		return nil
	}
	words := strings.Fields(q)
	var out []Code
	for i, c := range v.codes {
		if strings.HasPrefix(c.Digits, strings.TrimSuffix(q, "-")) || matchesAll(v.lower[i], words) {
			out = append(out, c)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}

func matchesAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
