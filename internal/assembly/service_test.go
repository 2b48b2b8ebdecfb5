package assembly

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/testkit"
)

// fakeDirectory is a member register of n members; member 0 has many
// representatives (as a large member might have online at once).
type fakeDirectory struct {
	orgs []member.OrgRef
	reps []member.Representative
}

func (f *fakeDirectory) MemberOrganisations(context.Context) ([]member.OrgRef, error) {
	return f.orgs, nil
}
func (f *fakeDirectory) Representatives(context.Context) ([]member.Representative, error) {
	return f.reps, nil
}

func (f *fakeDirectory) OrganisationsByID(_ context.Context, ids []string) (map[string]member.Organisation, error) {
	out := map[string]member.Organisation{}
	for i, o := range f.orgs {
		if slices.Contains(ids, o.ID) {
			out[o.ID] = member.Organisation{ID: o.ID, Name: o.Name, Kind: o.Kind, MemberNumber: int64(i + 1), Shares: 1,
				Email: "info@" + o.ID + ".example"}
		}
	}
	return out, nil
}

func (f *fakeDirectory) Actor(_ context.Context, userID string) (*auth.Actor, error) {
	for _, r := range f.reps {
		if r.UserID == userID {
			for _, o := range f.orgs {
				if o.ID == r.OrgID {
					return &auth.Actor{UserID: r.UserID, Name: r.Name, Email: r.Email, OrgID: o.ID, OrgName: o.Name, OrgKind: o.Kind,
						Lang: r.Lang, Roles: []auth.Role{auth.MemberRepresentative}}, nil
				}
			}
		}
	}
	return nil, errs.E(errs.Unauthenticated, "error.login_required")
}

type nullMailer struct {
	mu sync.Mutex
	n  int
}

func (m *nullMailer) Enqueue(context.Context, *db.Tx, string, string, string) error {
	m.mu.Lock()
	m.n++
	m.mu.Unlock()
	return nil
}

type fixture struct {
	svc   *Service
	dir   *fakeDirectory
	clock *clock.Fixed
	board *auth.Actor
	asm   Assembly
	mail  *nullMailer
}

func (f *fixture) rep(i, j int) *auth.Actor {
	o := f.dir.orgs[i]
	return &auth.Actor{UserID: fmt.Sprintf("user-%02d-%02d", i, j), Name: fmt.Sprintf("Rep %d/%d", i, j), OrgID: o.ID, OrgName: o.Name,
		Roles: []auth.Role{auth.MemberRepresentative}, Lang: "de"}
}

// newFixture convenes an assembly of n members (member 0 with reps0
// representatives, the others with one) and opens it.
func newFixture(t *testing.T, d *db.DB, n, reps0 int) *fixture {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dir: &fakeDirectory{}, clock: clock.NewFixed(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)), mail: &nullMailer{}}
	for i := 0; i < n; i++ {
		o := member.OrgRef{ID: fmt.Sprintf("org-%02d", i), Name: fmt.Sprintf("Mitglied %02d", i), Kind: auth.KindMunicipality}
		f.dir.orgs = append(f.dir.orgs, o)
		k := 1
		if i == 0 {
			k = reps0
		}
		for j := 0; j < k; j++ {
			f.dir.reps = append(f.dir.reps, member.Representative{UserID: fmt.Sprintf("user-%02d-%02d", i, j), OrgID: o.ID,
				Name: fmt.Sprintf("Rep %d/%d", i, j), Email: fmt.Sprintf("rep%d.%d@example.org", i, j), Lang: "de"})
		}
	}
	f.svc = NewService(d, f.dir, f.mail, cat, f.clock, "http://kopit.test", nil)
	f.board = &auth.Actor{UserID: "board-1", Name: "Vorstand Eins", OrgID: "office", Roles: []auth.Role{auth.Board}, Lang: "de"}
	f.asm, err = f.svc.Convene(context.Background(), f.board, ConveneInput{Title: "Ordentliche Generalversammlung 2026", Form: "hybrid",
		Date: "2026-03-20", Time: "10:00", Place: "Wiesbaden", VideoLink: "https://video.example.org/gv", Agenda: "Bericht\nEntlastung\nWahlen"})
	if err != nil {
		t.Fatal(err)
	}
	if f.mail.n != len(f.dir.reps) {
		t.Fatalf("invitations: %d mails, want %d", f.mail.n, len(f.dir.reps))
	}
	if members, mails, err := f.svc.store.InvitationCounts(context.Background(), d, f.asm.ID); err != nil || members != n || mails != len(f.dir.reps) {
		t.Fatalf("invitations recorded: %d members, %d mails (%v)", members, mails, err)
	}
	f.clock.Set(f.asm.StartsAt)
	if err := f.svc.OpenAssembly(context.Background(), f.board, f.asm.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) poll(t *testing.T, in PollInput) Poll {
	t.Helper()
	p, err := f.svc.CreatePoll(context.Background(), f.board, f.asm.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.OpenPoll(context.Background(), f.board, f.asm.ID, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// One member, one ballot: many representatives of one member vote at the
// same moment; the primary key of assembly_voters lets exactly one through.
func TestOneBallotPerMemberUnderConcurrency(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const reps = 24
		f := newFixture(t, d, 3, reps)
		if err := f.svc.RecordAttendance(ctx, f.board, f.asm.ID, "user-00-00", "in_person"); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"", "yes"} {
			p := f.poll(t, PollInput{Kind: "motion", Title: "Jahresabschluss " + secret, Secret: secret, Majority: "simple"})
			var wg sync.WaitGroup
			results := make([]error, reps)
			start := make(chan struct{})
			for j := 0; j < reps; j++ {
				wg.Add(1)
				go func(j int) {
					defer wg.Done()
					<-start
					_, results[j] = f.svc.Vote(ctx, f.rep(0, j), f.asm.ID, p.ID, VoteInput{For: "org-00", Choice: []string{Yes, No, Abstain}[j%3]})
				}(j)
			}
			close(start)
			wg.Wait()
			ok, conflicts := 0, 0
			for _, err := range results {
				switch {
				case err == nil:
					ok++
				case errs.CodeOf(err) == errs.Conflict:
					conflicts++
				default:
					t.Fatalf("unexpected error: %v", err)
				}
			}
			if ok != 1 || conflicts != reps-1 {
				t.Fatalf("secret=%q: %d ballots accepted, %d refused; want 1 and %d", secret, ok, conflicts, reps-1)
			}
			if n := count(t, d, "SELECT COUNT(*) FROM assembly_voters WHERE poll_id = ?", p.ID); n != 1 {
				t.Fatalf("voters: %d", n)
			}
			if n := count(t, d, "SELECT COUNT(*) FROM assembly_ballots WHERE poll_id = ?", p.ID); n != 1 {
				t.Fatalf("ballots: %d", n)
			}
			// Every refused attempt is in the audit log, the accepted one once.
			if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'assembly.ballot_refused' AND details LIKE ?", "%"+p.ID+"%"); n != reps-1 {
				t.Fatalf("refusals audited: %d", n)
			}
			if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'assembly.ballot_cast' AND details LIKE ?", "%"+p.ID+"%"); n != 1 {
				t.Fatalf("ballots audited: %d", n)
			}
			closed, err := f.svc.ClosePoll(ctx, f.board, f.asm.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if closed.Motion.Ballots() != 1 {
				t.Fatalf("tally %+v", closed.Motion)
			}
		}
	})
}

// Secret ballots cannot be linked to the member: the stored rows are
// inspected as a database reader would.
func TestSecretBallotsCannotBeLinkedToVoters(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 30
		f := newFixture(t, d, n, 1)
		for i := 0; i < n; i++ {
			if err := f.svc.RecordAttendance(ctx, f.board, f.asm.ID, fmt.Sprintf("user-%02d-00", i), "online"); err != nil {
				t.Fatal(err)
			}
		}
		p := f.poll(t, PollInput{Kind: "motion", Title: "Satzungsänderung § 5", Secret: "yes", Majority: "three_quarters"})
		receipts := map[string]string{}
		for i := 0; i < n; i++ {
			choice := Yes
			if i%3 == 0 {
				choice = No
			}
			code, err := f.svc.Vote(ctx, f.rep(i, 0), f.asm.ID, p.ID, VoteInput{For: f.dir.orgs[i].ID, Choice: choice})
			if err != nil {
				t.Fatal(err)
			}
			receipts[code] = choice
			f.clock.Advance(7 * time.Second) // votes come in over time
		}
		closed, err := f.svc.ClosePoll(ctx, f.board, f.asm.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		// 20 yes, 10 no: two thirds, short of three quarters.
		if r := closed.Motion; r.Yes != 20 || r.No != 10 || r.Passed {
			t.Fatalf("result %+v", r)
		}

		// 1. The ballot table has exactly these columns: nothing about the
		// voter and no time.
		if got := columns(t, d, "assembly_ballots"); !slices.Equal(got, []string{"choice", "id", "poll_id", "receipt_hash"}) {
			t.Fatalf("assembly_ballots columns %v", got)
		}
		// The voters table has nothing that points at a ballot, and no time.
		if got := columns(t, d, "assembly_voters"); !slices.Equal(got, []string{"cast_by", "choice", "org_id", "poll_id", "via_proxy"}) {
			t.Fatalf("assembly_voters columns %v", got)
		}
		// 2. No value of a ballot row occurs in the voters rows or among the
		// members' and users' ids, and the secret poll's voter rows carry no
		// choice.
		idsOfPeople := map[string]bool{}
		for _, o := range f.dir.orgs {
			idsOfPeople[o.ID] = true
		}
		for _, r := range f.dir.reps {
			idsOfPeople[r.UserID] = true
		}
		rows, err := d.QueryContext(ctx, "SELECT org_id, cast_by, choice FROM assembly_voters WHERE poll_id = ?", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		voterValues := map[string]bool{}
		for rows.Next() {
			var org, by, choice string
			if err := rows.Scan(&org, &by, &choice); err != nil {
				t.Fatal(err)
			}
			if choice != "" {
				t.Fatalf("secret poll: voter row keeps the choice %q", choice)
			}
			voterValues[org], voterValues[by] = true, true
		}
		rows.Close()
		// 3. Physical order: the rows as the engine hands them out without
		// ORDER BY are in the order of their random ids, not of casting.
		rows, err = d.QueryContext(ctx, "SELECT id, choice, receipt_hash FROM assembly_ballots WHERE poll_id = ?", p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var stored []string
		for rows.Next() {
			var id, choice, hash string
			if err := rows.Scan(&id, &choice, &hash); err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{id, choice, hash} {
				if idsOfPeople[v] || voterValues[v] {
					t.Fatalf("ballot value %q names a voter", v)
				}
			}
			stored = append(stored, id)
		}
		rows.Close()
		if len(stored) != n {
			t.Fatalf("%d ballots stored", len(stored))
		}
		if !sort.StringsAreSorted(stored) {
			t.Fatalf("ballots are stored in casting order, not key order: %v", stored)
		}
		// Random ids: no common time prefix as id.New would give.
		prefixes := map[string]bool{}
		for _, id := range stored {
			prefixes[id[:6]] = true
		}
		if len(prefixes) < n/2 {
			t.Fatalf("ballot ids share prefixes (time-ordered?): %v", stored)
		}
		// 4. The audit log says who voted, never what or which ballot.
		rows, err = d.QueryContext(ctx, "SELECT details FROM audit_log WHERE action = 'assembly.ballot_cast'")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var details string
			if err := rows.Scan(&details); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(details, "choice") || strings.Contains(details, "yes") {
				t.Fatalf("audit entry reveals the ballot: %s", details)
			}
			for _, id := range stored {
				if strings.Contains(details, id) {
					t.Fatalf("audit entry names a ballot: %s", details)
				}
			}
		}
		rows.Close()
		// 5. Every voter can check their ballot with the receipt code.
		for code, choice := range receipts {
			r, err := f.svc.CheckReceipt(ctx, f.asm.ID, code)
			if err != nil || r.Choice != choice || r.Poll.ID != p.ID {
				t.Fatalf("receipt %s: %+v %v", code, r, err)
			}
		}
		if _, err := f.svc.CheckReceipt(ctx, f.asm.ID, "aaaa-bbbb-cccc-dddd"); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("unknown receipt: %v", err)
		}
	})
}

func columns(t *testing.T, d *db.DB, table string) []string {
	t.Helper()
	q := "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?"
	if d.Dialect() == db.SQLite {
		q = "SELECT name FROM pragma_table_info(?)"
	}
	rows, err := d.QueryContext(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// § 43 Abs. 5 GenG: one proxy holder represents at most two members, also
// when three proxies are recorded at the same moment.
func TestProxyLimitUnderConcurrency(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 6, 1)
		var wg sync.WaitGroup
		results := make([]error, 5)
		start := make(chan struct{})
		for i := 1; i <= 5; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				results[i-1] = f.svc.RecordProxy(ctx, f.board, f.asm.ID, ProxyInput{Grantor: f.dir.orgs[i].ID, Holder: "user-00-00",
					Document: fmt.Sprintf("Vollmacht von Mitglied %d vom 1.3.2026 (Textform)", i)})
			}(i)
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range results {
			if err == nil {
				ok++
			} else if e, _ := errs.As(err); e == nil || e.Fields["holder"] != "assembly.error.proxy_limit" {
				t.Fatalf("unexpected error %v", err)
			}
		}
		if ok != 2 {
			t.Fatalf("%d proxies accepted for one holder, want 2", ok)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM assembly_proxies WHERE holder_user_id = 'user-00-00'"); n != 2 {
			t.Fatalf("%d proxies stored", n)
		}
		// The holder votes for its own member and the two it represents,
		// and for no one else.
		if err := f.svc.RecordAttendance(ctx, f.board, f.asm.ID, "user-00-00", "in_person"); err != nil {
			t.Fatal(err)
		}
		p := f.poll(t, PollInput{Kind: "election", Title: "Aufsichtsrat", Candidates: "Anna\nBernd\nCem", Seats: "2", VotesPerBallot: "2"})
		holder := f.rep(0, 0)
		may, _, err := f.svc.MayVoteFor(ctx, holder, f.asm.ID)
		if err != nil || len(may) != 3 {
			t.Fatalf("may vote for %v (%v)", may, err)
		}
		for _, m := range may {
			if _, err := f.svc.Vote(ctx, holder, f.asm.ID, p.ID, VoteInput{For: m.OrgID, Candidates: []string{p.Candidates[0].ID}}); err != nil {
				t.Fatal(err)
			}
		}
		notMine := ""
		for _, o := range f.dir.orgs[1:] {
			if !slices.ContainsFunc(may, func(a Attendance) bool { return a.OrgID == o.ID }) {
				notMine = o.ID
				break
			}
		}
		if _, err := f.svc.Vote(ctx, holder, f.asm.ID, p.ID, VoteInput{For: notMine}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("vote for an unrepresented member: %v", err)
		}
		closed, err := f.svc.ClosePoll(ctx, f.board, f.asm.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := closed.Election.Elected(); !slices.Equal(got, []string{"Anna"}) || closed.Election.Ballots != 3 {
			t.Fatalf("election %+v", closed.Election)
		}
	})
}

// A member without a representative is invited at its general address.
func TestInvitationWithoutRepresentative(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewSQLite(t)
	f := newFixture(t, d, 3, 1)
	f.dir.orgs = append(f.dir.orgs, member.OrgRef{ID: "org-99", Name: "Mitglied ohne Vertretung", Kind: auth.KindMunicipality})
	f.clock.Set(f.asm.ConvenedAt)
	before := f.mail.n
	asm, err := f.svc.Convene(ctx, f.board, ConveneInput{Title: "GV", Form: "virtual", Date: "2026-03-27", Time: "10:00",
		VideoLink: "https://v.example.org/gv", Agenda: "Bericht"})
	if err != nil {
		t.Fatal(err)
	}
	members, mails, err := f.svc.store.InvitationCounts(ctx, d, asm.ID)
	if err != nil || members != 4 || mails != 4 || f.mail.n-before != 4 {
		t.Fatalf("%d members, %d mails recorded, %d sent (%v)", members, mails, f.mail.n-before, err)
	}
}

// Convening inside the notice period is refused with the period and the
// first possible day, and only the refusal is recorded.
func TestConveneRefusesShortNotice(t *testing.T) {
	d := testkit.NewSQLite(t)
	f := newFixture(t, d, 2, 1)
	before := count(t, d, "SELECT COUNT(*) FROM assemblies")
	_, err := f.svc.Convene(context.Background(), f.board, ConveneInput{Title: "Außerordentliche GV", Form: "virtual",
		Date: f.clock.Now().AddDate(0, 0, 13).Format("2006-01-02"), Time: "10:00", VideoLink: "https://v.example.org/x", Agenda: "Satzung"})
	e, ok := errs.As(err)
	if !ok || e.Fields["date"] != "assembly.error.notice_period" || len(e.FieldArgs["date"]) != 2 || e.FieldArgs["date"][0] != 14 {
		t.Fatalf("got %v", err)
	}
	if after := count(t, d, "SELECT COUNT(*) FROM assemblies"); after != before {
		t.Fatal("a refused convening was stored")
	}
	if n := count(t, d, "SELECT COUNT(*) FROM audit_log WHERE action = 'assembly.convene_refused'"); n != 1 {
		t.Fatalf("refusal audited %d times", n)
	}
}

// A statute quorum: no vote is taken while too few members are there.
func TestQuorumBeforeAVote(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewSQLite(t)
	f := newFixture(t, d, 4, 1)
	if _, err := f.svc.SetStatute(ctx, f.board, StatuteInput{NoticeDays: "14", MotionDays: "7", QuorumPercent: "50"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(f.asm.ConvenedAt)
	asm, err := f.svc.Convene(ctx, f.board, ConveneInput{Title: "GV mit Quorum", Form: "virtual", Date: "2026-03-20", Time: "14:00",
		VideoLink: "https://video.example.org/q", Agenda: "Beschluss"})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(asm.StartsAt)
	if err := f.svc.OpenAssembly(ctx, f.board, asm.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.RecordAttendance(ctx, f.board, asm.ID, "user-00-00", "online"); err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.CreatePoll(ctx, f.board, asm.ID, PollInput{Kind: "motion", Title: "Beschluss", Majority: "simple"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.OpenPoll(ctx, f.board, asm.ID, p.ID); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("1 of 4 present, quorum 50 %%: %v", err)
	}
	// A proxy for a second member makes two of four.
	if err := f.svc.RecordProxy(ctx, f.board, asm.ID, ProxyInput{Grantor: "org-01", Holder: "user-00-00", Document: "Vollmacht"}); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.OpenPoll(ctx, f.board, asm.ID, p.ID); err != nil {
		t.Fatalf("2 of 4: %v", err)
	}
}

// Closing a poll while ballots arrive: every ballot accepted is in the
// result, every ballot after the close is refused, on both engines.
func TestCloseRacesWithBallots(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 24
		f := newFixture(t, d, n, 1)
		for i := 0; i < n; i++ {
			if err := f.svc.RecordAttendance(ctx, f.board, f.asm.ID, fmt.Sprintf("user-%02d-00", i), "online"); err != nil {
				t.Fatal(err)
			}
		}
		p := f.poll(t, PollInput{Kind: "motion", Title: "Rennen", Secret: "yes", Majority: "simple"})
		var wg sync.WaitGroup
		accepted := make([]bool, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				_, err := f.svc.Vote(ctx, f.rep(i, 0), f.asm.ID, p.ID, VoteInput{For: f.dir.orgs[i].ID, Choice: Yes})
				switch {
				case err == nil:
					accepted[i] = true
				case errs.CodeOf(err) != errs.Conflict:
					t.Errorf("vote %d: %v", i, err)
				}
			}(i)
		}
		var closed Poll
		var closeErr error
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(2 * time.Millisecond)
			closed, closeErr = f.svc.ClosePoll(ctx, f.board, f.asm.ID, p.ID)
		}()
		close(start)
		wg.Wait()
		if closeErr != nil {
			t.Fatal(closeErr)
		}
		ok := 0
		for _, a := range accepted {
			if a {
				ok++
			}
		}
		if closed.Motion.Yes != ok {
			t.Fatalf("%d ballots accepted, %d counted", ok, closed.Motion.Yes)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM assembly_ballots WHERE poll_id = ?", p.ID); n != ok {
			t.Fatalf("%d ballots stored, %d accepted", n, ok)
		}
		t.Logf("%d of %d ballots before the close", ok, n)
	})
}
