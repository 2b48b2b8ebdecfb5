// Package assembly is the general assembly (Generalversammlung) of the
// cooperative: the board convenes it with the statute's notice period,
// members submit motions and amendments, attendance is recorded with times
// and a live quorum, proxies are limited to two members per holder, and polls
// and elections give every member exactly one ballot, open or secret. The
// minutes (§ 47 GenG) are generated as a PDF and signed off by the chair.
package assembly

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kopit/internal/platform/clock"
	"kopit/internal/platform/errs"
)

// Form is how an assembly is held (§ 43b GenG).
type Form string

const (
	InPerson Form = "in_person"
	Hybrid   Form = "hybrid"
	Virtual  Form = "virtual"
)

// Forms lists the forms in display order.
var Forms = []Form{InPerson, Hybrid, Virtual}

// Status of an assembly.
type Status string

const (
	Convened Status = "convened"
	Open     Status = "open"
	Closed   Status = "closed"
)

// Statute holds the statute's settings for assemblies.
type Statute struct {
	NoticeDays    int // days between convening and the assembly (§ 46 Abs. 1 GenG: at least two weeks)
	MotionDays    int // motions close this many days before (§ 46 Abs. 2 GenG: one week)
	QuorumPercent int // share of members that must be present; 0: none
}

// DefaultStatute is what applies until the board records the statute's own figures.
var DefaultStatute = Statute{NoticeDays: 14, MotionDays: 7, QuorumPercent: 0}

// Assembly is one general assembly.
type Assembly struct {
	ID            string
	Title         string
	Form          Form
	StartsAt      time.Time
	Place         string
	VideoLink     string
	MotionsUntil  time.Time
	NoticeDays    int
	QuorumPercent int
	Status        Status
	ConvenedBy    string
	ConvenedAt    time.Time
	ChairUserID   string
	ChairName     string
	OpenedAt      *time.Time
	ClosedAt      *time.Time
	SignedBy      string
	SignedName    string
	SignedAt      *time.Time
	MinutesSHA256 string
	Agenda        []AgendaItem
}

// MotionsOpen reports whether motions are still accepted.
func (a Assembly) MotionsOpen(now time.Time) bool {
	return a.Status == Convened && now.Before(a.MotionsUntil)
}

// AgendaItem is a Tagesordnungspunkt.
type AgendaItem struct {
	ID          string
	Position    int
	Title       string
	Description string
}

// Motion is an Antrag, or an amendment when ParentID is set.
type Motion struct {
	ID, AssemblyID, ParentID string
	OrgID, OrgName           string
	Title, Body              string
	SubmittedBy              string
	SubmittedAt              time.Time
}

// Attendance is one member present through a representative.
type Attendance struct {
	OrgID, OrgName   string
	UserID, UserName string
	Mode             string // in_person or online
	ArrivedAt        time.Time
	LeftAt           *time.Time
}

// Present reports whether the member is still there.
func (a Attendance) Present() bool { return a.LeftAt == nil }

// Proxy is a Vollmacht for one assembly.
type Proxy struct {
	GrantorOrgID, GrantorName string
	HolderUserID, HolderName  string
	HolderOrgID               string
	Document, DocumentSHA256  string
	RecordedAt                time.Time
}

// PollKind: a yes/no motion or an election.
type PollKind string

const (
	MotionPoll   PollKind = "motion"
	ElectionPoll PollKind = "election"
)

// PollStatus of a poll.
type PollStatus string

const (
	PollDraft  PollStatus = "draft"
	PollOpen   PollStatus = "open"
	PollClosed PollStatus = "closed"
)

// Poll is an Abstimmung or a Wahl.
type Poll struct {
	ID, AssemblyID string
	Position       int
	Kind           PollKind
	Title          string
	Description    string
	Secret         bool
	Majority       Majority
	Seats          int
	VotesPerBallot int
	Status         PollStatus
	OpenedAt       *time.Time
	ClosedAt       *time.Time
	Candidates     []Candidate
	Passed         *bool
	Motion         *MotionResult   // closed motions
	Election       *ElectionResult // closed elections
	Voters         int             // members who have voted so far
}

// Candidate stands in an election.
type Candidate struct {
	ID, Name string
	Position int
}

// ConveneInput is the convening form.
type ConveneInput struct {
	Title, Form, Date, Time, Place, VideoLink, MotionsDate, Agenda string
}

// Validate checks the form against the statute's notice period: the
// assembly's day must lie at least NoticeDays calendar days after today
// (Europe/Berlin).
func (in ConveneInput) Validate(now time.Time, st Statute) (Assembly, error) {
	v := errs.Validation{}
	var fieldArgs map[string][]any
	a := Assembly{Title: strings.TrimSpace(in.Title), Form: Form(strings.TrimSpace(in.Form)), Place: strings.TrimSpace(in.Place),
		VideoLink: strings.TrimSpace(in.VideoLink), NoticeDays: st.NoticeDays, QuorumPercent: st.QuorumPercent, Status: Convened}
	text(&v, "title", a.Title, true, 300)
	text(&v, "place", a.Place, false, 300)
	if !slices.Contains(Forms, a.Form) {
		v.Add("form", "error.choose")
	}
	if a.Form == InPerson || a.Form == Hybrid {
		text(&v, "place", a.Place, true, 300)
	}
	if a.VideoLink != "" {
		if u, err := url.Parse(a.VideoLink); err != nil || u.Scheme != "https" || u.Host == "" {
			v.Add("video_link", "assembly.error.video_link")
		}
	}
	if (a.Form == Virtual || a.Form == Hybrid) && a.VideoLink == "" {
		v.Add("video_link", "assembly.error.video_link_required")
	}
	start, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(in.Date)+" "+strings.TrimSpace(in.Time), clock.Berlin)
	if err != nil {
		v.Add("date", "error.date")
	} else {
		a.StartsAt = start.UTC()
		earliest := EarliestDate(now, st)
		if start.Before(earliest) {
			// Shown with the period and the first possible day.
			fieldArgs = map[string][]any{"date": {st.NoticeDays, earliest.Format("02.01.2006")}}
			v.Add("date", "assembly.error.notice_period")
		}
	}
	if strings.TrimSpace(in.MotionsDate) == "" {
		if !a.StartsAt.IsZero() {
			// The end of the day before the last day allowed, so the
			// deadline lies at least MotionDays before the start.
			d := a.StartsAt.In(clock.Berlin).AddDate(0, 0, -st.MotionDays)
			a.MotionsUntil = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, clock.Berlin).Add(-time.Second).UTC()
		}
	} else if d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(in.MotionsDate), clock.Berlin); err != nil {
		v.Add("motions_date", "error.date")
	} else {
		a.MotionsUntil = d.AddDate(0, 0, 1).Add(-time.Second).UTC() // to the end of that day
		if !a.StartsAt.IsZero() && a.MotionsUntil.After(a.StartsAt.AddDate(0, 0, -st.MotionDays)) {
			fieldArgs = mergeArgs(fieldArgs, "motions_date", st.MotionDays)
			v.Add("motions_date", "assembly.error.motions_date")
		}
		if !a.MotionsUntil.After(now) {
			v.Add("motions_date", "assembly.error.motions_past")
		}
	}
	for _, line := range strings.Split(in.Agenda, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > 300 {
			v.Add("agenda", "error.too_long")
			break
		}
		a.Agenda = append(a.Agenda, AgendaItem{Position: len(a.Agenda) + 1, Title: line})
	}
	if len(a.Agenda) == 0 {
		v.Add("agenda", "assembly.error.agenda_required")
	}
	err = v.Err()
	if e, ok := errs.As(err); ok && fieldArgs != nil {
		e.FieldArgs = fieldArgs
	}
	return a, err
}

func mergeArgs(m map[string][]any, field string, args ...any) map[string][]any {
	if m == nil {
		m = map[string][]any{}
	}
	m[field] = args
	return m
}

// EarliestDate is the first day (00:00 Europe/Berlin) on which an assembly
// convened now may take place.
func EarliestDate(now time.Time, st Statute) time.Time {
	n := now.In(clock.Berlin)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, clock.Berlin).AddDate(0, 0, st.NoticeDays)
}

// StatuteInput is the statute settings form.
type StatuteInput struct{ NoticeDays, MotionDays, QuorumPercent string }

// Validate checks the figures against the law's minimums.
func (in StatuteInput) Validate() (Statute, error) {
	v := errs.Validation{}
	st := Statute{}
	st.NoticeDays = number(&v, "notice_days", in.NoticeDays, 14, 365, "assembly.error.notice_days")
	st.MotionDays = number(&v, "motion_days", in.MotionDays, 7, 365, "assembly.error.motion_days")
	st.QuorumPercent = number(&v, "quorum_percent", in.QuorumPercent, 0, 100, "assembly.error.quorum_percent")
	return st, v.Err()
}

// MotionInput is the motion form.
type MotionInput struct{ Title, Body, ParentID string }

// Validate checks a motion.
func (in MotionInput) Validate() (Motion, error) {
	v := errs.Validation{}
	m := Motion{Title: strings.TrimSpace(in.Title), Body: strings.TrimSpace(in.Body), ParentID: strings.TrimSpace(in.ParentID)}
	text(&v, "motion_title", m.Title, true, 300)
	text(&v, "motion_body", m.Body, true, 20000)
	return m, v.Err()
}

// PollInput is the poll form.
type PollInput struct {
	Kind, Title, Description, Secret, Majority, Candidates, Seats, VotesPerBallot string
}

// Validate checks a poll.
func (in PollInput) Validate() (Poll, error) {
	v := errs.Validation{}
	p := Poll{Kind: PollKind(strings.TrimSpace(in.Kind)), Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description),
		Secret: in.Secret == "yes" || in.Secret == "on" || in.Secret == "true", Status: PollDraft}
	text(&v, "poll_title", p.Title, true, 300)
	text(&v, "poll_description", p.Description, false, 5000)
	switch p.Kind {
	case MotionPoll:
		p.Majority = Majority(strings.TrimSpace(in.Majority))
		if p.Majority == "" {
			p.Majority = Simple
		}
		if !slices.Contains(MotionMajorities, p.Majority) {
			v.Add("majority", "error.choose")
		}
	case ElectionPoll:
		p.Majority = Plurality
		for _, line := range strings.Split(in.Candidates, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				if utf8.RuneCountInString(line) > 200 {
					v.Add("candidates", "error.too_long")
				}
				p.Candidates = append(p.Candidates, Candidate{Name: line, Position: len(p.Candidates) + 1})
			}
		}
		if len(p.Candidates) == 0 {
			v.Add("candidates", "assembly.error.candidates_required")
		}
		p.Seats = number(&v, "seats", in.Seats, 1, 100, "assembly.error.seats")
		p.VotesPerBallot = number(&v, "votes_per_ballot", in.VotesPerBallot, 1, 100, "assembly.error.votes_per_ballot")
		if !v.Has("seats") && !v.Has("votes_per_ballot") && p.VotesPerBallot > p.Seats {
			v.Add("votes_per_ballot", "assembly.error.votes_over_seats")
		}
	default:
		v.Add("kind", "error.choose")
	}
	return p, v.Err()
}

func text(v *errs.Validation, field, s string, required bool, max int) {
	switch {
	case required && s == "":
		v.Add(field, "error.required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "error.too_long")
	}
}

func number(v *errs.Validation, field, s string, lo, hi int, key string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < lo || n > hi {
		v.Add(field, key)
		return 0
	}
	return n
}

var enc = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// randomID is an identifier made only of random bits: unlike id.New it has
// no time prefix, so ballot ids do not tell when or in which order ballots
// were cast.
func randomID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return enc.EncodeToString(b[:])
}

// ReceiptCode is the code a voter keeps to check that their ballot was
// counted: 60 random bits in four groups of four, e.g. "k3mz-8q2d-…".
func ReceiptCode() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	s := enc.EncodeToString(b[:])[:16]
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// receiptHash is what the ballot row keeps of a receipt code.
func receiptHash(code string) string {
	code = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	h := sha256.Sum256([]byte("kopit-ballot-receipt\x00" + code))
	return hex.EncodeToString(h[:])
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
