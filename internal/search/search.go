// Package search finds knowledge articles, brokered IT services, contract
// templates, events and working-group threads with one query, using each
// database's own full-text engine as the catalogue search does (SQLite FTS5
// over words stemmed in Go, PostgreSQL's german tsvector), so that several
// kopit instances share one index.
//
// Modules do not write to the index. Each lists its documents (a Source) and
// says cheaply whether they changed (its signature, e.g. count and latest
// change); before answering a query the index rebuilds the kinds whose
// signature moved. A newly published article is therefore found by the very
// next search, and a module cannot forget to index a change.
package search

import (
	"context"
	"strings"
	"time"

	"kopit/internal/platform/auth"
)

// Audiences say who may find a document.
const (
	Public  = "public"  // everyone signed in, suppliers included
	Members = "members" // staff of member organisations and the office
)

// Group is the audience of a working group's members (and the office).
func Group(id string) string { return "group:" + id }

// Doc is one searchable record.
type Doc struct {
	Kind     string // "article", "service", "template", "event", "thread"
	ID       string
	Audience string
	Title    string
	Text     string // what the words are matched against, besides the title
	URL      string
	Date     time.Time // shown with the hit; zero if none
}

// Source lists one kind of documents.
type Source interface {
	Kind() string
	// Signature changes whenever a document of the kind is added, changed or
	// removed (e.g. "count|latest updated_at").
	Signature(ctx context.Context) (string, error)
	Documents(ctx context.Context) ([]Doc, error)
}

// Groups tells which working groups a user belongs to.
type Groups func(ctx context.Context, userID string) ([]string, error)

// viewer is what an actor may find.
type viewer struct {
	office, member bool
	groups         []string
}

// audiences lists the audiences the viewer may see, for the query: public
// documents for everyone signed in, members-only ones for member
// organisations' staff, a group's for its members; the office sees
// everything (nil).
func (v viewer) audiences() []string {
	if v.office {
		return nil
	}
	out := []string{Public}
	if v.member {
		out = append(out, Members)
	}
	for _, g := range v.groups {
		out = append(out, Group(g))
	}
	return out
}

func viewerOf(a *auth.Actor, groups []string) viewer {
	return viewer{office: a.OrgKind == auth.KindOffice, member: a.OrgKind.IsMember(), groups: groups}
}

// summary is the start of a text, cut at a word, for the hit list.
func summary(text string, max int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len([]rune(text)) <= max {
		return text
	}
	r := []rune(text)[:max]
	if i := strings.LastIndexByte(string(r), ' '); i > max/2 {
		return string(r)[:i] + " …"
	}
	return string(r) + " …"
}
