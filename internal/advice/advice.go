// Package advice is the IT legal-advice desk (IT-Rechtsberatung): members ask
// questions that stay confidential between the asking organisation and the
// office's legal advisors; advisors assign, answer and keep internal notes;
// with the member's consent an answer becomes an anonymised article of the
// knowledge base. It also keeps the library of contract templates (EVB-IT
// and others).
package advice

import (
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
)

// Topic is the legal area of a question.
type Topic string

const (
	ProcurementLaw Topic = "procurement_law"
	EVBIT          Topic = "evb_it"
	Licensing      Topic = "licensing"
	DataProtection Topic = "data_protection"
	ITSecurity     Topic = "it_security"
	OtherTopic     Topic = "other"
)

// Topics lists every topic in display order.
var Topics = []Topic{ProcurementLaw, EVBIT, Licensing, DataProtection, ITSecurity, OtherTopic}

// Valid reports whether t is a known topic.
func (t Topic) Valid() bool { return slices.Contains(Topics, t) }

// Status is where a question stands.
type Status string

const (
	New        Status = "new"
	InProgress Status = "in_progress"
	Waiting    Status = "waiting" // waiting for the member
	Answered   Status = "answered"
	Closed     Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{New, InProgress, Waiting, Answered, Closed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Open reports whether the desk still owes the member something: the target
// date applies only then.
func (s Status) Open() bool { return s == New || s == InProgress }

// Badge is the KERN badge modifier that shows the status.
func (s Status) Badge() string {
	switch s {
	case New, InProgress:
		return "kern-badge--info"
	case Waiting:
		return "kern-badge--warning"
	case Answered:
		return "kern-badge--success"
	}
	return ""
}

// DefaultLevelDays is the service level for a topic the office has not set:
// a first answer within ten working days.
const DefaultLevelDays = 10

// Question is a member's legal question.
type Question struct {
	ID, OrgID, OrgName, AskedBy, AskerName, AskerEmail string
	Topic                                              Topic
	Subject, Body                                      string
	Status                                             Status
	AssigneeEmail, AssigneeName                        string
	Consent                                            bool
	DueAt, CreatedAt, UpdatedAt                        time.Time
	AnsweredAt                                         *time.Time
}

// Overdue reports whether the desk has missed the target date.
func (q Question) Overdue(now time.Time) bool { return q.Status.Open() && now.After(q.DueAt) }

// MessageKind separates what the member sees from what only advisors see.
type MessageKind string

const (
	Reply    MessageKind = "reply"    // an advisor's answer, seen by the member
	FollowUp MessageKind = "followup" // the member's addition or answer to a query
	Note     MessageKind = "note"     // internal: advisors only
)

// Message is one entry of a question's thread.
type Message struct {
	ID, QuestionID, AuthorID, AuthorName string
	Kind                                 MessageKind
	Body                                 string
	CreatedAt                            time.Time
}

// Attachment is a file a member sent with a question.
type Attachment struct {
	ID, QuestionID, Name, FileKey string
	Size                          int64
	UploadedAt                    time.Time
}

// ServiceLevel is the office's target for a topic, in working days.
type ServiceLevel struct {
	Topic Topic
	Days  int
}

// DueDate adds working days (Monday to Friday, counted in Europe/Berlin) to
// the moment a question arrives; the target is the end of that day's office
// hours, 18:00. Public holidays are not counted out: the level is a target,
// not a legal deadline.
func DueDate(asked time.Time, days int) time.Time {
	d := asked.In(clock.Berlin)
	for n := 0; n < days; {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, clock.Berlin).UTC()
}

// Article is an article of the knowledge base.
type Article struct {
	ID, QuestionID string
	GroupID        string // "" for every member, else the one working group whose members (and the office) see it
	Topic          Topic
	Title, Body    string
	Tags           []string
	Status         string // draft, published
	CreatedAt      time.Time
	UpdatedAt      time.Time
	PublishedAt    *time.Time
}

// Published reports whether members can read the article.
func (a Article) Published() bool { return a.Status == "published" }

// TemplateKinds are the kinds of contract templates: the EVB-IT types
// (Ergänzende Vertragsbedingungen für die Beschaffung von IT-Leistungen) and
// others.
var TemplateKinds = []string{"evb_it_kauf", "evb_it_dienstleistung", "evb_it_ueberlassung", "evb_it_cloud", "evb_it_system",
	"evb_it_systemlieferung", "evb_it_erstellung", "evb_it_service", "avv", "other"}

// Template is one version of a contract template.
type Template struct {
	ID, Kind, Title, Version, Name, FileKey string
	ValidFrom                               time.Time
	ValidUntil                              *time.Time
	Size                                    int64
	UploadedAt                              time.Time
}

// Current reports whether the template is valid at now.
func (t Template) Current(now time.Time) bool {
	return !now.Before(t.ValidFrom) && (t.ValidUntil == nil || now.Before(*t.ValidUntil))
}

// File is an uploaded file held in memory (bounded by the route's limit).
type File struct {
	Name string
	Data []byte
}

// Upload limits, stated on the forms.
const (
	MaxFileBytes   = 10 << 20
	MaxAttachments = 5
)

// allowedTypes are the accepted formats by extension, with the content type
// the first bytes must sniff as.
var allowedTypes = map[string]string{
	".pdf": "application/pdf", ".odt": "application/zip", ".ods": "application/zip", ".docx": "application/zip",
	".xlsx": "application/zip", ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
}

// checkFile refuses empty, oversized and forbidden files; it returns a
// message key or "".
func checkFile(f File) string {
	want, ok := allowedTypes[strings.ToLower(path.Ext(f.Name))]
	switch {
	case len(f.Data) == 0:
		return "error.file_empty"
	case len(f.Data) > MaxFileBytes:
		return "error.file_too_large"
	case !ok:
		return "error.file_type"
	case http.DetectContentType(f.Data) != want:
		return "error.file_content"
	}
	return ""
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

// splitTags reads a comma-separated tag list: trimmed, lower-cased, unique.
func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		t = strings.ToLower(strings.TrimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
