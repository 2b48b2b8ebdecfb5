package reliability

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kopit/internal/bench"
	"kopit/internal/demand"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/testkit"
)

// smtpSink accepts every mail and counts deliveries by Message-ID, which
// stays the same when a delivery is retried.
type smtpSink struct {
	addr string
	mu   sync.Mutex
	byID map[string]int
	rcpt map[string]int // recipient → deliveries
}

var messageID = regexp.MustCompile(`(?mi)^Message-ID:\s*(\S+)`)

func startSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{addr: ln.Addr().String(), byID: map[string]int{}, rcpt: map[string]int{}}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(conn) })
		}
	})
	return s
}

func (s *smtpSink) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	tp := textproto.NewConn(conn)
	_ = tp.PrintfLine("220 sink.example ESMTP")
	var rcpts []string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			_ = tp.PrintfLine("250 sink.example")
		case "RCPT":
			rcpts = append(rcpts, strings.Trim(strings.TrimPrefix(strings.ToUpper(arg[:3]), "TO:")+arg[3:], "<> "))
			_ = tp.PrintfLine("250 ok")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			if m := messageID.FindSubmatch(data); m != nil {
				s.byID[string(m[1])]++
			}
			for _, r := range rcpts {
				s.rcpt[strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(r, "TO:"), "<"))]++
			}
			s.mu.Unlock()
			rcpts = nil
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("250 ok")
		}
	}
}

// roundRobin is the load balancer in front of the instances: each request
// goes to the next backend; a backend that refuses the connection (it is
// dead, the request never reached it) is skipped and the next one tried.
// A request that fails in flight is not retried: it gets a 502.
type roundRobin struct {
	next     atomic.Uint64
	backends []*url.URL
	hc       http.RoundTripper
}

func (rr *roundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	var lastErr error
	for range rr.backends {
		b := rr.backends[rr.next.Add(1)%uint64(len(rr.backends))]
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host = b.Scheme, b.Host
		out.Body = io.NopCloser(bytes.NewReader(body))
		res, err := rr.hc.RoundTrip(out)
		if err == nil || !neverSent(err) {
			return res, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func proxyTo(t *testing.T, servers ...*server) *httptest.Server {
	rr := &roundRobin{hc: &http.Transport{}}
	for _, s := range servers {
		u, err := url.Parse(s.url)
		if err != nil {
			t.Fatal(err)
		}
		rr.backends = append(rr.backends, u)
	}
	// The Host header is the proxy's, as behind a real balancer: kopit's
	// origin check compares it with the forms' Origin.
	p := &httpProxy{rt: rr}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return srv
}

// httpProxy passes a request on through rt, keeping Host, and copies the answer.
type httpProxy struct{ rt http.RoundTripper }

func (p *httpProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.URL.Scheme, out.URL.Host = "http", r.Host
	res, err := p.rt.RoundTrip(out)
	if err != nil {
		http.Error(w, "bad gateway: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	for k, v := range res.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(res.StatusCode)
	_, _ = io.Copy(w, res.Body)
}

// TestSeveralInstances runs two kopit processes on one PostgreSQL database
// and one data directory behind a round-robin balancer: a session made
// through one instance works on the other; a due demand-call reminder is
// sent once per member although both instances run the reminder job; every
// mail is delivered once; and killing one instance in the middle of a vote
// loses no acknowledged ballot.
func TestSeveralInstances(t *testing.T) {
	testkit.PostgresURL(t) // skips without KOPIT_TEST_POSTGRES_URL (fails with KOPIT_TEST_REQUIRE_POSTGRES=1)
	ctx := t.Context()
	w := newWorld(t, "postgres")
	const voters = 60
	f := newFixture(t, w, fixtureScale(0, voters, 1))

	// A demand call whose reminder day has come: deadline in two days,
	// reminders three days before.
	manager, err := w.a.Members.Store().Actor(ctx, f.ds.Manager.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.a.Demand.CreateProject(ctx, manager, demand.ProjectInput{Title: "Drucker 2027 (Mehrinstanztest)", Nature: "supplies",
		Description: "Drucker für alle Mitglieder.", CPVMain: "30232110-8", FrameworkMonths: "36"})
	if err != nil {
		t.Fatal(err)
	}
	lot, err := w.a.Demand.AddLot(ctx, manager, p.ID, demand.LotInput{Title: "Drucker"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.a.Demand.AddItem(ctx, manager, p.ID, lot.ID, demand.ItemInput{Description: "Laserdrucker A4", Unit: "Stück", UnitPrice: "300,00"}); err != nil {
		t.Fatal(err)
	}
	var invited []string
	for _, m := range f.ds.Members {
		invited = append(invited, m.ID)
	}
	call, err := w.a.Demand.OpenCall(ctx, manager, p.ID, demand.CallInput{DeadlineDate: time.Now().AddDate(0, 0, 2).In(clock.Berlin).Format("2006-01-02"),
		DeadlineTime: "12:00", ReminderDays: "3", Members: invited})
	if err != nil {
		t.Fatal(err)
	}

	sink := startSink(t)
	smtp := "KOPIT_SMTP_URL=smtp://" + sink.addr + "?from=kopit@itg-eg.example"
	a := w.start(t, "instance-a", smtp)
	b := w.start(t, "instance-b", smtp)
	lb := proxyTo(t, a, b)
	hc := httpClient()

	// Sign in through the balancer, then use the session on both instances.
	buyer := f.ds.Members[0].Buyer
	form := url.Values{"email": {buyer.Email}, "password": {bench.Password}}.Encode()
	c := bench.NewClient(lb.URL, hc, 0)
	res, err := c.Do(ctx, http.MethodPost, "/login", []byte(form), "Content-Type", "application/x-www-form-urlencoded", "Origin", lb.URL)
	if err != nil || res.Status != http.StatusSeeOther {
		t.Fatalf("sign-in through the balancer: %v %d", err, res.Status)
	}
	session := ""
	for _, ck := range (&http.Response{Header: res.Header}).Cookies() {
		if ck.Name == "kopit_session" {
			session = ck.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie")
	}
	for i, s := range []*server{a, b, a, b} {
		res, err := bench.NewClient(s.url, hc, i).Get(ctx, "/calloffs", "Cookie", bench.Cookie(session))
		if err != nil || res.Status != http.StatusOK {
			t.Fatalf("request %d with the session on instance %d: %v, status %d", i, i%2, err, res.Status)
		}
	}

	// Ballots through the balancer; instance b is killed after a third of
	// the answers.
	ad := f.ds.Assembly
	var mu sync.Mutex
	outcomes := map[int]outcome{}
	answered := 0
	workers(voters, func(i int) {
		c := bench.NewClient(lb.URL, hc, i)
		body, _ := bench.VoteForm(ad, i)
		res, err := c.Do(ctx, http.MethodPost, bench.VotePath(ad), body, "Cookie", bench.Cookie(f.voters[i]),
			"Content-Type", "application/x-www-form-urlencoded", "Origin", lb.URL)
		out := uncertain
		switch {
		case err == nil && res.Status == http.StatusOK:
			out = acked
		case err == nil && res.Status != http.StatusBadGateway:
			out = refused
		}
		mu.Lock()
		outcomes[i] = out
		if answered++; answered == voters/3 {
			go b.kill()
		}
		mu.Unlock()
	})
	b.kill()
	ack := 0
	voted := map[string]bool{}
	rows, err := w.a.DB.QueryContext(ctx, "SELECT org_id FROM assembly_voters WHERE poll_id = ?", ad.PollID)
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
	for i, o := range outcomes {
		if o == acked {
			ack++
			if !voted[ad.Voters[i].OrgID] {
				t.Errorf("FINDING: voter %d got a receipt through the balancer, but is not recorded", i)
			}
		}
		if o == refused && voted[ad.Voters[i].OrgID] {
			t.Errorf("FINDING: voter %d was refused, but is recorded as having voted", i)
		}
	}
	if ack < voters*2/3 {
		t.Errorf("only %d of %d ballots acknowledged: the balancer did not move to the living instance", ack, voters)
	}
	t.Logf("%d of %d ballots acknowledged with instance b killed after %d answers", ack, voters, voters/3)

	// The reminder job runs on the elected leader (at its start, then every
	// quarter hour): wait until every member is reminded, then until the
	// living instance has sent every queued mail.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var n int
		if err := w.a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM demand_invitations WHERE call_id = ? AND reminded_at IS NOT NULL", call.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == len(invited) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	for {
		_, pending, err := w.a.Outbox.List(ctx, w.a.DB, mail.Filter{Status: mail.StatusPending, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails still pending after two minutes", pending)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, sent, err := w.a.Outbox.List(ctx, w.a.DB, mail.Filter{Status: mail.StatusSent, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	var dup []string
	for id, n := range sink.byID {
		if n > 1 {
			dup = append(dup, fmt.Sprintf("%s ×%d", id, n))
		}
	}
	delivered := len(sink.byID)
	sink.mu.Unlock()
	if len(dup) > 0 {
		t.Errorf("FINDING: %d mails delivered more than once: %v", len(dup), first(dup))
	}
	if delivered != sent {
		t.Errorf("the outbox says %d mails sent, the SMTP server received %d different ones", sent, delivered)
	}
	// The reminder: once per invited member, though two instances ran the job.
	var reminded, audited int
	if err := w.a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM demand_invitations WHERE call_id = ? AND reminded_at IS NOT NULL", call.ID).Scan(&reminded); err != nil {
		t.Fatal(err)
	}
	if err := w.a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'demand_call.reminded' AND entity_id = ?", call.ID).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if reminded != len(invited) || audited != len(invited) {
		t.Errorf("FINDING: %d members invited, %d marked reminded, %d reminders audited", len(invited), reminded, audited)
	}
	t.Logf("%d mails delivered once each; %d reminders, one per member", delivered, audited)
	a.stop(t)
}
