// Package i18n holds kopit's message catalogues (German first, English second)
// and formats dates, times and amounts the way German administrations write them.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
)

//go:embed locales/*.json
var files embed.FS

// Langs are the supported languages, the default first.
var Langs = []string{"de", "en"}

// Default is the language used when none is chosen.
const Default = "de"

// Catalog maps language → key → message (a fmt format).
type Catalog struct{ msgs map[string]map[string]string }

// Load reads the embedded catalogues and fails if one language lacks a key
// the other has. A language's catalogue is locales/<lang>.json plus any
// locales/<module>.<lang>.json, so that a module keeps its texts in its own
// file; a key defined in two files is an error.
func Load() (*Catalog, error) {
	c := &Catalog{msgs: map[string]map[string]string{}}
	for _, lang := range Langs {
		c.msgs[lang] = map[string]string{}
		names, err := fs.Glob(files, "locales/*"+lang+".json")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			base := strings.TrimPrefix(name, "locales/")
			if base != lang+".json" && !strings.HasSuffix(base, "."+lang+".json") {
				continue
			}
			if err := c.read(lang, name); err != nil {
				return nil, err
			}
		}
	}
	for key := range c.msgs[Default] {
		for _, lang := range Langs[1:] {
			if _, ok := c.msgs[lang][key]; !ok {
				return nil, fmt.Errorf("locales: %s lacks %q", lang, key)
			}
		}
	}
	for _, lang := range Langs[1:] {
		for key := range c.msgs[lang] {
			if _, ok := c.msgs[Default][key]; !ok {
				return nil, fmt.Errorf("locales: %s lacks %q", Default, key)
			}
		}
	}
	return c, nil
}

// read merges one catalogue file into lang's messages.
func (c *Catalog) read(lang, name string) error {
	raw, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	m := map[string]string{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for key, msg := range m {
		if _, dup := c.msgs[lang][key]; dup {
			return fmt.Errorf("%s: %q is defined in another %s catalogue too", name, key, lang)
		}
		c.msgs[lang][key] = msg
	}
	return nil
}

// Has reports whether key exists.
func (c *Catalog) Has(key string) bool { _, ok := c.msgs[Default][key]; return ok }

// Keys lists every key, sorted.
func (c *Catalog) Keys() []string {
	keys := make([]string, 0, len(c.msgs[Default]))
	for k := range c.msgs[Default] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// T translates key into lang. A missing key shows itself in brackets, so it is
// visible in review and caught by the catalogue test.
func (c *Catalog) T(lang, key string, args ...any) string {
	m, ok := c.msgs[lang]
	if !ok {
		m = c.msgs[Default]
	}
	msg, ok := m[key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

var matcher = language.NewMatcher([]language.Tag{language.German, language.English})

// Negotiate picks a supported language from an explicit choice (cookie or
// parameter) or else the Accept-Language header.
func Negotiate(choice, acceptLanguage string) string {
	if slices.Contains(Langs, choice) {
		return choice
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Langs[idx]
}

// Berlin is the zone every date is shown in.
var berlin = mustLoad("Europe/Berlin")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// DateTime formats an instant in Europe/Berlin: "15.12.2026, 10:00 Uhr" in
// German, "15 Dec 2026, 10:00" in English.
func DateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(berlin)
	if lang == "en" {
		return t.Format("2 Jan 2006, 15:04")
	}
	return t.Format("02.01.2006, 15:04") + " Uhr"
}

// DateTimeSeconds is DateTime with seconds.
func DateTimeSeconds(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(berlin)
	if lang == "en" {
		return t.Format("2 Jan 2006, 15:04:05")
	}
	return t.Format("02.01.2006, 15:04:05") + " Uhr"
}

// Date formats the Berlin calendar day of an instant: "15.12.2026" /
// "15 Dec 2026". Calendar days stored as UTC midnight keep their day.
func Date(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(berlin)
	if lang == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// Number formats an integer with thousands separators: "1.234.567" / "1,234,567".
func Number(lang string, n int64) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
