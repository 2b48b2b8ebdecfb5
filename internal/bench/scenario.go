package bench

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"kopit/internal/app"
)

// Scenario is one measured workload, a self-contained unit: Setup prepares
// what its requests need (sessions, tokens, records), Run sends one request
// (the driver calls it from every client until the time or the request count
// is used up and measures each call), and Check verifies the domain's
// invariants afterwards. A scenario keeps its state in the closure that made
// it, so a new one is built for every engine.
//
// Adding a scenario (catalogue search, call-off contention, bid burst, vote
// burst, …) is a file with a constructor and one line in scenarios().
type Scenario struct {
	Name   string
	Module string // the module it exercises: member, demand, … ("baseline" for hello)
	Doc    string // what one request is, for the report
	Target *Target
	Load   Load
	// ReadOnly scenarios must leave the audit log as they found it.
	ReadOnly bool
	// CausesOtherLoad marks a scenario whose own work shows as other load
	// (the import's gigabyte of writes keeps the kernel's writeback threads
	// busy); it does not count towards the noisy-run warning.
	CausesOtherLoad bool

	Setup func(ctx context.Context, env *Env) error         // optional
	Run   func(ctx context.Context, c *Client, i int) error // required: request number i
	Check func(ctx context.Context, env *Env) error         // optional: the invariants after the run
	// Report, if set, adds the scenario's own figures to its result after
	// the check (the import's products per second and peak memory).
	Report func(res *Result)
}

// Load shapes how a scenario is driven when the run's defaults do not fit.
type Load struct {
	// Counted scenarios send a fixed number of requests (Options.Requests)
	// instead of running for the duration, without warm-up: for expensive
	// requests such as sign-in.
	Counted bool
	// MaxClients caps the concurrent clients (0: the run's --clients).
	MaxClients int
	// Requests, if set, is a counted scenario's own request count at the
	// run's scale (else Options.Requests).
	Requests func(Scale) int
	// Clients, if set, is the number of concurrent clients the issue
	// prescribes for the scenario (the bid burst's 64), whatever --clients.
	Clients int
}

// Target is a latency goal from the issue.
type Target struct {
	Label string        // "HTML pages p99 < 50 ms"
	P99   time.Duration // the p99 must stay below (0: no latency goal)
	// MinRPS is the throughput the goal needs (0: none): "5,000 ballots in
	// < 5 s" is at least 1,000 ballots/s.
	MinRPS float64
}

// Met reports whether a result meets the target.
func (t *Target) Met(r Result) bool {
	return (t.P99 == 0 || r.P99Ms < float64(t.P99)/float64(time.Millisecond)) && r.RPS >= t.MinRPS
}

// htmlTarget is the target for every HTML page.
var htmlTarget = &Target{Label: "HTML pages p99 < 50 ms", P99: 50 * time.Millisecond}

// scenarios lists the scenarios of kopit, in the order they run. Writes come
// after the reads so that the reads see the dataset as generated; sign-in
// comes last because argon2id's memory use would otherwise inflate the
// others' peak RSS.
func scenarios() []func() *Scenario {
	return []func() *Scenario{
		htmlDashboard, htmlRegister, htmlUsers, htmlTenders, htmlAgreement,
		apiOrganisations, catalogueSearch,
		demandAnswerBurst, bidBurst, voteBurst, calloffContention,
		catalogueImport,
		login,
	}
}

// Pending is a scenario the issue asks for that this harness does not run
// yet.
type Pending struct {
	Name   string `json:"name"`
	Module string `json:"module"`
	What   string `json:"what"`
	Status string `json:"status"` // "not yet measurable" (no module) or "not yet measured" (module new, scenario not written)
	Reason string `json:"reason"`
}

// notYetMeasured lists the scenarios this harness does not run.
// When one is written, its file replaces its line here.
func notYetMeasured() []Pending {
	return []Pending{}
}

// Env is what Setup and Check work with: the harness's own App on the same
// database the server uses (its services, never another module's tables),
// the server's URL and the generated dataset.
type Env struct {
	Engine  string
	App     *app.App
	BaseURL string
	Data    *Dataset
	Scale   Scale
	// Dir is the run's working directory; Exe, ExeEnv, DataDir and
	// DatabaseURL start kopit commands on the server's database (Exe is
	// empty with --cpuprofile).
	Dir, Exe, DataDir, DatabaseURL string
	ExeEnv                         []string
}

// Session signs email in through the auth service and returns the session
// token, for the kopit_session cookie.
func (e *Env) Session(ctx context.Context, email string) (string, error) {
	token, _, err := e.App.Auth.Login(ctx, email, Password, "127.0.0.1")
	if err != nil {
		return "", fmt.Errorf("sign in %s: %w", email, err)
	}
	return token, nil
}

// Token creates a personal API token for the user.
func (e *Env) Token(ctx context.Context, userID string) (string, error) {
	actor, err := e.App.Members.Store().Actor(ctx, userID)
	if err != nil {
		return "", err
	}
	return e.App.Auth.CreateAPIToken(ctx, actor, "kopit bench")
}

// Client returns a fresh client for checks (it keeps no connections open).
func (e *Env) Client() *Client {
	return newClient(e.BaseURL, &http.Client{Transport: &http.Transport{DisableCompression: true, DisableKeepAlives: true}, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, 0)
}

// Cookie is the header value that carries a session.
func Cookie(token string) string { return "kopit_session=" + token }
