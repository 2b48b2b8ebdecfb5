package reliability

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kopit/internal/bench"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/files"
)

// crashRounds is the number of kill rounds per engine (KOPIT_CRASH_ROUNDS).
func crashRounds(t *testing.T) int {
	if v := os.Getenv("KOPIT_CRASH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			t.Fatalf("KOPIT_CRASH_ROUNDS=%q: want a number from 1 to 100", v)
		}
		return n
	}
	return 4
}

// Per round: bids, ballots, call-offs and document uploads sent, and the
// concurrent clients of each kind.
const (
	bidsPerRound     = 24
	votesPerRound    = 40
	calloffsPerRound = 40
	docsPerRound     = 8
	clientsPerKind   = 4
	perRound         = bidsPerRound + votesPerRound + calloffsPerRound + docsPerRound
	bidDocBytes      = 256 << 10
)

// outcome is what a request's sender knows about it.
type outcome int

const (
	acked     outcome = iota // a success answer with its receipt
	refused                  // an answer that is not a success: must leave no trace
	notSent                  // the connection was refused: must leave no trace
	uncertain                // failed in flight: may or may not have been stored
)

func classify(err error) outcome {
	if neverSent(err) {
		return notSent
	}
	return uncertain
}

// ledger records every request of every round by a key naming its effect.
type ledger struct {
	mu       sync.Mutex
	bids     map[int]bidSent    // request number → outcome
	votes    map[int]outcome    // voter number → outcome
	calloffs map[string]callOff // note → outcome
	docs     map[string]docSent // file name → outcome

	answered, killAfter int    // answers in this round; the kill comes after killAfter
	kill                func() // kills this round's server
}

// answer records one answer of the round and kills the server once
// killAfter answers have come; l.mu is held.
func (l *ledger) answer() {
	l.answered++
	if l.answered == l.killAfter {
		go l.kill()
	}
}

type bidSent struct {
	out   outcome
	bidID string
	total int64
}

type callOff struct {
	out outcome
	id  string
	org string
}

type docSent struct {
	out outcome
	key string
}

func (l *ledger) count(o outcome) (bids, votes, calloffs, docs int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, b := range l.bids {
		if b.out == o {
			bids++
		}
	}
	for _, v := range l.votes {
		if v == o {
			votes++
		}
	}
	for _, c := range l.calloffs {
		if c.out == o {
			calloffs++
		}
	}
	for _, d := range l.docs {
		if d.out == o {
			docs++
		}
	}
	return
}

// TestCrashSafety kills `kopit serve` with SIGKILL at random moments while
// bidders submit sealed bids, buyers call off against a quota, members vote
// and the board uploads documents; it restarts the server on the same data
// each time. Afterwards: every acknowledged request is stored completely
// (the bid's sealed file is there and decrypts to the receipt's hash at the
// opening, the call-off is counted in the quota once, the ballot is counted
// once, the document's file matches), requests that were refused or never
// reached the server left no trace, and the file store holds no file that
// no row names.
func TestCrashSafety(t *testing.T) {
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) { crashEngine(t, engine) })
	}
}

func crashEngine(t *testing.T, engine string) {
	ctx := t.Context()
	rounds := crashRounds(t)
	w := newWorld(t, engine)
	f := newFixture(t, w, fixtureScale(bidsPerRound, votesPerRound, rounds))
	doc := bench.BidDocument(bidDocBytes)
	l := &ledger{bids: map[int]bidSent{}, votes: map[int]outcome{}, calloffs: map[string]callOff{}, docs: map[string]docSent{}}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))

	for r := range rounds {
		s := w.start(t, fmt.Sprintf("round-%d", r))
		// The kill falls after a random number of answers, so it always
		// lands in the middle of the load, whatever the machine's speed.
		l.killAfter = 1 + rng.IntN(perRound-1)
		l.answered = 0
		l.kill = s.kill
		var wg sync.WaitGroup
		wg.Go(func() { sendBids(ctx, s.url, f, l, doc, r) })
		wg.Go(func() { sendVotes(ctx, s.url, f, l, r) })
		wg.Go(func() { sendCalloffs(ctx, s.url, f, l, r) })
		docSeed := rng.Uint64()
		wg.Go(func() { sendDocs(ctx, s.url, f, l, r, docSeed) })
		wg.Wait()
		s.kill()
		b, v, c, d := l.count(acked)
		t.Logf("round %d: killed after %d answers; acknowledged so far: %d bids, %d ballots, %d call-offs, %d documents", r+1, l.killAfter, b, v, c, d)
		checkStored(t, w, f, l, false)
	}
	// An hour and more passes (every stored file is made two hours old);
	// then a last start after the last kill and a clean stop: the server must
	// come up on what the kills left and sweep what they left behind,
	// without losing a file that a row names.
	ageStore(t, filepath.Join(w.dataDir, "files"), 2*files.OrphanAge)
	s := w.start(t, "final")
	s.stop(t)
	checkStored(t, w, f, l, true)
	for _, o := range []outcome{acked, refused, notSent, uncertain} {
		b, v, c, d := l.count(o)
		t.Logf("%s: %d bids, %d ballots, %d call-offs, %d documents", []string{"acknowledged", "refused", "never sent", "uncertain"}[o], b, v, c, d)
	}
	checkOpening(t, w, f, l)
	checkTally(t, w, f, l)
}

// workers runs fn for jobs 0 … n-1 on clientsPerKind goroutines.
func workers(n int, fn func(j int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range clientsPerKind {
		wg.Go(func() {
			for j := range next {
				fn(j)
			}
		})
	}
	for j := range n {
		next <- j
	}
	close(next)
	wg.Wait()
}

func sendBids(ctx context.Context, base string, f *fixture, l *ledger, doc []byte, round int) {
	hc := httpClient()
	td := f.ds.Tenders
	workers(bidsPerRound, func(j int) {
		c := bench.NewClient(base, hc, j)
		i := round*bidsPerRound + j
		body, ct, total, err := bench.BidForm(td, i, doc)
		if err != nil {
			panic(err)
		}
		res, err := c.Do(ctx, http.MethodPost, bench.BidPath(td), body, "Cookie", bench.Cookie(f.bidders[i/bench.BidLots]),
			"Content-Type", ct, "Origin", base)
		b := bidSent{total: total}
		switch {
		case err != nil:
			b.out = classify(err)
		case res.Status == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/bids/"):
			b.out, b.bidID = acked, strings.TrimPrefix(res.Header.Get("Location"), "/bids/")
		default:
			b.out = refused
		}
		l.mu.Lock()
		l.bids[i] = b
		l.answer()
		l.mu.Unlock()
	})
}

func sendVotes(ctx context.Context, base string, f *fixture, l *ledger, round int) {
	hc := httpClient()
	ad := f.ds.Assembly
	workers(votesPerRound, func(j int) {
		c := bench.NewClient(base, hc, j)
		i := round*votesPerRound + j
		body, _ := bench.VoteForm(ad, i)
		res, err := c.Do(ctx, http.MethodPost, bench.VotePath(ad), body, "Cookie", bench.Cookie(f.voters[i]),
			"Content-Type", "application/x-www-form-urlencoded", "Origin", base)
		out := refused
		switch {
		case err != nil:
			out = classify(err)
		case res.Status == http.StatusOK:
			out = acked
		}
		l.mu.Lock()
		l.votes[i] = out
		l.answer()
		l.mu.Unlock()
	})
}

func sendCalloffs(ctx context.Context, base string, f *fixture, l *ledger, round int) {
	hc := httpClient()
	workers(calloffsPerRound, func(j int) {
		c := bench.NewClient(base, hc, j)
		b := f.buyers[j%len(f.buyers)]
		note := fmt.Sprintf("crash-%d-%d", round, j)
		body, _ := json.Marshal(map[string]any{"agreement_id": f.agreement, "delivery_address": "Markt 1, 64283 Darmstadt",
			"cost_centre": "KST 4711", "note": note, "lines": []map[string]any{{"item_id": f.item, "quantity": 1}}})
		res, err := c.Do(ctx, http.MethodPost, "/api/v1/calloffs", body, "Authorization", "Bearer "+b.token, "Content-Type", "application/json")
		co := callOff{org: b.orgID, out: refused}
		switch {
		case err != nil:
			co.out = classify(err)
		case res.Status == http.StatusCreated:
			var got struct{ ID string }
			if json.Unmarshal(res.Body, &got) == nil && got.ID != "" {
				co.out, co.id = acked, got.ID
			}
		}
		l.mu.Lock()
		l.calloffs[note] = co
		l.answer()
		l.mu.Unlock()
	})
}

func sendDocs(ctx context.Context, base string, f *fixture, l *ledger, round int, seed uint64) {
	hc := httpClient()
	ad := f.ds.Assembly
	workers(docsPerRound, func(j int) {
		c := bench.NewClient(base, hc, j)
		name := fmt.Sprintf("anlage-%d-%d.pdf", round, j)
		content := make([]byte, 128<<10)
		copy(content, "%PDF-1.7\n% "+name+"\n")
		rng := rand.New(rand.NewPCG(seed, uint64(j)))
		for k := 64; k < len(content); k++ {
			content[k] = byte(rng.Uint32())
		}
		sum := sha256.Sum256(content)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="upload"; filename="`+name+`"`)
		h.Set("Content-Type", "application/pdf")
		part, _ := mw.CreatePart(h)
		_, _ = part.Write(content)
		_ = mw.Close()
		res, err := c.Do(ctx, http.MethodPost, "/assemblies/"+ad.ID+"/documents", body.Bytes(), "Cookie", bench.Cookie(f.board),
			"Content-Type", mw.FormDataContentType(), "Origin", base)
		d := docSent{out: refused, key: hex.EncodeToString(sum[:])}
		switch {
		case err != nil:
			d.out = classify(err)
		case res.Status == http.StatusSeeOther:
			d.out = acked
		}
		l.mu.Lock()
		l.docs[name] = d
		l.answer()
		l.mu.Unlock()
	})
}

// checkStored compares the database and the file store with the ledger.
// final adds the checks that hold only after a clean start: no temporary
// file and no unreferenced file in the store.
func checkStored(t *testing.T, w *world, f *fixture, l *ledger, final bool) {
	t.Helper()
	ctx := context.Background()
	l.mu.Lock()
	defer l.mu.Unlock()
	store, err := files.NewDisk(filepath.Join(w.dataDir, "files"), files.DiskOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	fileOK := func(key string) error {
		rc, err := store.Open(ctx, key)
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = io.Copy(io.Discard, rc)
		return err
	}

	// Bids: every stored bid is complete; acknowledged ones are stored; no
	// bid of a refused or never-sent request.
	td := f.ds.Tenders
	type row struct{ id, org, lot, key string }
	byOrgLot := map[string][]row{}
	rows, err := w.a.DB.QueryContext(ctx, "SELECT id, org_id, lot_id, sealed_key FROM bids WHERE tender_id = ?", td.Burst.ID)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.org, &r.lot, &r.key); err != nil {
			t.Fatal(err)
		}
		byOrgLot[r.org+"/"+r.lot] = append(byOrgLot[r.org+"/"+r.lot], r)
		ids[r.id] = true
		if err := fileOK(r.key); err != nil {
			t.Errorf("FINDING: bid %s is stored without its sealed file intact: %v", r.id, err)
		}
	}
	rows.Close()
	bidderOrg := map[string]string{}
	for i, b := range td.Bidders {
		a, err := w.a.Members.Store().Actor(ctx, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		bidderOrg[strconv.Itoa(i)] = a.OrgID
	}
	for i, b := range l.bids {
		key := bidderOrg[strconv.Itoa(i/bench.BidLots)] + "/" + td.Burst.Lots[i%bench.BidLots].ID
		n := len(byOrgLot[key])
		switch {
		case b.out == acked && !ids[b.bidID]:
			t.Errorf("FINDING: bid request %d got receipt %s, but the bid is not stored", i, b.bidID)
		case (b.out == refused || b.out == notSent) && n > 0:
			t.Errorf("FINDING: bid request %d was %s, but %d bid(s) of its bidder and lot are stored", i, []string{"", "refused", "never sent"}[b.out], n)
		case n > 1:
			t.Errorf("FINDING: bid request %d is stored %d times", i, n)
		}
	}

	// Call-offs: acknowledged ones stored; refused or never-sent ones not;
	// the agreement's and each member's running total equal the sum of the
	// stored call-offs (counted once) and stay within the maximum.
	notes := map[string]string{}
	rows, err = w.a.DB.QueryContext(ctx, "SELECT id, note FROM calloffs WHERE agreement_id = ?", f.agreement)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, note string
		if err := rows.Scan(&id, &note); err != nil {
			t.Fatal(err)
		}
		notes[note] = id
	}
	rows.Close()
	for note, c := range l.calloffs {
		id, stored := notes[note]
		switch {
		case c.out == acked && id != c.id:
			t.Errorf("FINDING: call-off %s was acknowledged as %s, but the stored one is %q", note, c.id, id)
		case (c.out == refused || c.out == notSent) && stored:
			t.Errorf("FINDING: call-off %s was not acknowledged (%d), but is stored as %s", note, c.out, id)
		}
	}
	var called, maxCents, sum int64
	if err := w.a.DB.QueryRowContext(ctx, "SELECT called_cents, max_cents FROM agreements WHERE id = ?", f.agreement).Scan(&called, &maxCents); err != nil {
		t.Fatal(err)
	}
	if err := w.a.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(total_cents), 0) FROM calloffs WHERE agreement_id = ? AND status NOT IN ('rejected', 'cancelled')", f.agreement).Scan(&sum); err != nil {
		t.Fatal(err)
	}
	if called != sum || called > maxCents {
		t.Errorf("FINDING: the agreement counts %d ct called off, its stored call-offs add up to %d ct (maximum %d ct)", called, sum, maxCents)
	}
	for _, b := range f.buyers {
		var mc, ms int64
		if err := w.a.DB.QueryRowContext(ctx, "SELECT called_cents FROM agreement_members WHERE agreement_id = ? AND org_id = ?", f.agreement, b.orgID).Scan(&mc); err != nil {
			t.Fatal(err)
		}
		if err := w.a.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(total_cents), 0) FROM calloffs WHERE agreement_id = ? AND org_id = ? AND status NOT IN ('rejected', 'cancelled')", f.agreement, b.orgID).Scan(&ms); err != nil {
			t.Fatal(err)
		}
		if mc != ms || mc > memberCents {
			t.Errorf("FINDING: member %s: quota counts %d ct, its stored call-offs add up to %d ct (maximum %d ct)", b.orgID, mc, ms, int64(memberCents))
		}
	}

	// Ballots: every acknowledged voter is recorded, no refused or
	// never-sent one; ballots and voters are equal in number.
	ad := f.ds.Assembly
	voted := map[string]bool{}
	rows, err = w.a.DB.QueryContext(ctx, "SELECT org_id FROM assembly_voters WHERE poll_id = ?", ad.PollID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var org string
		if err := rows.Scan(&org); err != nil {
			t.Fatal(err)
		}
		voted[org] = true
	}
	rows.Close()
	for i, o := range l.votes {
		switch org := ad.Voters[i].OrgID; {
		case o == acked && !voted[org]:
			t.Errorf("FINDING: voter %d got a receipt, but is not recorded as having voted", i)
		case (o == refused || o == notSent) && voted[org]:
			t.Errorf("FINDING: voter %d got no receipt (%d), but is recorded as having voted", i, o)
		}
	}
	var ballots int
	if err := w.a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM assembly_ballots WHERE poll_id = ?", ad.PollID).Scan(&ballots); err != nil {
		t.Fatal(err)
	}
	if ballots != len(voted) {
		t.Errorf("FINDING: %d ballots stored, %d members recorded as having voted", ballots, len(voted))
	}

	// Documents: acknowledged ones stored with their bytes; no refused or
	// never-sent one.
	docs := map[string]string{}
	rows, err = w.a.DB.QueryContext(ctx, "SELECT name, file_key FROM assembly_documents WHERE assembly_id = ?", ad.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, key string
		if err := rows.Scan(&name, &key); err != nil {
			t.Fatal(err)
		}
		docs[name] = key
		if err := fileOK(key); err != nil {
			t.Errorf("FINDING: document %s is stored without its file intact: %v", name, err)
		}
	}
	rows.Close()
	for name, d := range l.docs {
		key, stored := docs[name]
		switch {
		case d.out == acked && key != d.key:
			t.Errorf("FINDING: document %s was acknowledged, but is stored as %q", name, key)
		case (d.out == refused || d.out == notSent) && stored:
			t.Errorf("FINDING: document %s was not acknowledged (%d), but is stored", name, d.out)
		}
	}

	if !final {
		return
	}
	// The file store: no file that no row names, no temporary leftover.
	refs := referencedKeys(ctx, t, w)
	root := store.Root()
	var orphans, temps []string
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case strings.HasPrefix(rel, "tmp"+string(filepath.Separator)):
			if !strings.HasSuffix(rel, ".lock") {
				temps = append(temps, rel)
			}
		case files.ValidKey(e.Name()) && !refs[e.Name()]:
			orphans = append(orphans, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(temps) > 0 {
		t.Errorf("FINDING: %d temporary files of interrupted uploads are left in the file store after a restart: %v", len(temps), first(temps))
	}
	if len(orphans) > 0 {
		t.Errorf("FINDING: %d files in the store that no row names (uploads whose transaction never committed): %v", len(orphans), first(orphans))
	}
	if _, broken, err := audit.Verify(ctx, w.a.DB); err != nil || broken != nil {
		t.Errorf("FINDING: the audit chain does not verify after the kills: %v %+v", err, broken)
	}
}

func first(s []string) []string { return s[:min(len(s), 5)] }

// checkOpening opens the tender as the two office users would after the
// deadline: every acknowledged bid is in the opening record once, decrypts
// to its receipt's hash and shows the prices sent.
func checkOpening(t *testing.T, w *world, f *fixture, l *ledger) {
	t.Helper()
	ctx := context.Background()
	td := f.ds.Tenders
	after := w.a.Tenders.WithClock(clock.NewFixed(td.Burst.Deadline.Add(time.Minute)))
	var rows map[string]int
	totals := map[string]int64{}
	for _, u := range []bench.User{f.ds.Manager, f.ds.Admin} {
		a, err := w.a.Members.Store().Actor(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := after.ConfirmOpening(ctx, a, td.Burst.ID)
		if err != nil {
			t.Fatalf("opening by %s: %v", u.Email, err)
		}
		if r == nil {
			continue
		}
		rows = map[string]int{}
		for _, row := range r.Rows {
			rows[row.BidID]++
			totals[row.BidID] = row.TotalCents
			if !row.Intact {
				t.Errorf("FINDING: bid %s (receipt %s) does not decrypt to the content of its receipt", row.BidID, row.ReceiptNo)
			}
		}
	}
	if rows == nil {
		t.Fatal("two confirmations did not open the tender")
	}
	n := 0
	for i, b := range l.bids {
		if b.out != acked {
			continue
		}
		n++
		switch {
		case rows[b.bidID] != 1:
			t.Errorf("FINDING: bid request %d got receipt %s; the opening record lists it %d times", i, b.bidID, rows[b.bidID])
		case totals[b.bidID] != b.total:
			t.Errorf("FINDING: bid %s: the opening record's total is %d ct, the prices sent give %d ct", b.bidID, totals[b.bidID], b.total)
		}
	}
	if n == 0 {
		t.Error("no bid was acknowledged: the kills came too early to test anything")
	}
}

// checkTally closes the poll: the result counts every acknowledged ballot
// once, and no more ballots than were acknowledged or uncertain.
func checkTally(t *testing.T, w *world, f *fixture, l *ledger) {
	t.Helper()
	ctx := context.Background()
	ad := f.ds.Assembly
	board, err := w.a.Members.Store().Actor(ctx, ad.Board.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.a.Assemblies.ClosePoll(ctx, board, ad.ID, ad.PollID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Motion == nil {
		t.Fatal(errors.New("the closed poll has no result"))
	}
	_, ackedVotes, _, _ := l.count(acked)
	_, uncertainVotes, _, _ := l.count(uncertain)
	if got := p.Motion.Ballots(); got < ackedVotes || got > ackedVotes+uncertainVotes || got != p.Voters {
		t.Errorf("FINDING: the result counts %d ballots and %d voters; %d ballots were acknowledged, %d uncertain", got, p.Voters, ackedVotes, uncertainVotes)
	}
}

// ageStore sets every stored file's time back by d, as if d had passed.
func ageStore(t *testing.T, root string, d time.Duration) {
	t.Helper()
	then := time.Now().Add(-d)
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() || !files.ValidKey(e.Name()) {
			return err
		}
		return os.Chtimes(p, then, then)
	})
	if err != nil {
		t.Fatal(err)
	}
}
