// Package groups is the knowledge exchange's working groups
// (Arbeitskreise): members of member organisations join open groups or are
// added by a moderator to closed ones; members share documents and discuss
// in threads, and are told by mail of new threads and of replies in threads
// they follow. A group's content is visible to its members and the office
// only.
package groups

import (
	"html/template"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/files"
)

// Group is a working group.
type Group struct {
	ID, Title, Description string
	Open                   bool
	CreatedAt              time.Time
	Members                int
	LastActivity           *time.Time
}

// Member is a user in a group, with the name and address copied when they
// joined (for the member list and notifications).
type Member struct {
	GroupID, UserID, OrgID, Name, Email, Lang string
	Moderator, Notify                         bool
	JoinedAt                                  time.Time
}

// Document is one version of a group's document.
type Document struct {
	ID, GroupID, Name, FileKey, UploadedBy, UploaderName string
	Version                                              int
	Size                                                 int64
	UploadedAt                                           time.Time
}

// Thread is a discussion in a group.
type Thread struct {
	ID, GroupID, Title, AuthorID, AuthorName string
	Posts                                    int
	CreatedAt, LastPostAt                    time.Time
}

// Post is a contribution to a thread; HTML is its Markdown, rendered and
// sanitised, when a page shows it.
type Post struct {
	ID, ThreadID, AuthorID, AuthorName, Body string
	CreatedAt                                time.Time
	HTML                                     template.HTML
}

// Limits, stated on the forms.
const (
	MaxDocumentBytes = 10 << 20
	MaxTitle         = 200
	MaxDescription   = 5000
	MaxPost          = 20000
)

// documentRule accepts the formats members exchange: PDF, office files
// (ODT, ODS, DOCX, XLSX: ZIP containers), plain text and images, as for
// the advice desk's attachments.
var documentRule = files.Rule{
	Types: map[string]string{".pdf": "application/pdf", ".odt": "application/zip", ".ods": "application/zip",
		".docx": "application/zip", ".xlsx": "application/zip", ".txt": "text/plain; charset=utf-8", ".png": "image/png",
		".jpg": "image/jpeg", ".jpeg": "image/jpeg"},
	MaxBytes: MaxDocumentBytes,
}

// contentTypes are the types a download is served with.
var contentTypes = map[string]string{
	".pdf": "application/pdf", ".odt": "application/vnd.oasis.opendocument.text",
	".ods":  "application/vnd.oasis.opendocument.spreadsheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".txt":  "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}

var refusedKeys = map[string]string{files.RefusedEmpty: "groups.error.file_empty", files.RefusedType: "groups.error.file_type",
	files.RefusedContent: "groups.error.file_content"}

// office reports whether the actor works for the cooperative's office: it
// sees every group's content and may moderate every group.
func office(a *auth.Actor) bool { return a.Scope(auth.ViewKnowledge).All() }

// eligible reports whether a user may be in a working group: users of
// member organisations and of the office (suppliers may not).
func eligible(a *auth.Actor) bool { return a.Can(auth.ViewKnowledge) }

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}
