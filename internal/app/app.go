package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"kopit/internal/admin"
	"kopit/internal/advice"
	"kopit/internal/agreement"
	"kopit/internal/assembly"
	"kopit/internal/brokering"
	"kopit/internal/demand"
	"kopit/internal/events"
	"kopit/internal/groups"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/files"
	"kopit/internal/platform/i18n"
	"kopit/internal/platform/jobs"
	"kopit/internal/platform/mail"
	"kopit/internal/platform/web"
	"kopit/internal/privacy"
	"kopit/internal/search"
	"kopit/internal/sso"
	"kopit/internal/tender"
	webassets "kopit/web"
)

// App is the assembled program.
type App struct {
	Config  Config
	Log     *slog.Logger
	DB      *db.DB
	Clock   clock.Clock
	Catalog *i18n.Catalog
	Auth    *auth.Service
	Members *member.Service
	Demand  *demand.Service
	Tenders *tender.Service
	// Assemblies is the general assembly (Generalversammlung).
	Assemblies *assembly.Service
	// Agreements are the framework agreements, catalogues and call-offs.
	Agreements *agreement.Service
	// Advice is the IT legal-advice desk, its knowledge base and templates.
	Advice *advice.Service
	// Events are conferences and meetings with registration.
	Events *events.Service
	// Groups are the knowledge exchange's working groups (Arbeitskreise).
	Groups *groups.Service
	// Brokering is the catalogue of members' and partners' IT services with inquiries and offers.
	Brokering *brokering.Service
	// SSO is single sign-on through members' identity providers.
	SSO *sso.Service
	// Privacy answers data subjects' requests (copy, erasure).
	Privacy *privacy.Service
	// Search finds articles, services, templates, events and threads.
	Search  *search.Index
	Queue   *jobs.Queue
	Outbox  *mail.Outbox
	Web     *web.Server
	Routes  []web.Route
	Handler http.Handler
}

// Options replace production parts in tests.
type Options struct {
	Clock  clock.Clock
	Hasher *auth.Hasher
	Log    *slog.Logger
	// Sender replaces the SMTP sender (tests capture mails with it).
	Sender mail.Sender
}

// NewLogger builds the configured slog logger.
func NewLogger(c Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Open connects to the database and applies migrations (kopit's and the job
// queue's).
func Open(ctx context.Context, c Config) (*db.DB, int64, error) {
	d, err := db.Open(ctx, c.DatabaseTarget())
	if err != nil {
		return nil, 0, err
	}
	version, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, 0, err
	}
	return d, version, nil
}

// New opens the database, migrates it and builds every module.
func New(ctx context.Context, c Config, o Options) (*App, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	a := &App{Config: c, Log: o.Log, Clock: o.Clock}
	if a.Log == nil {
		a.Log = slog.New(slog.DiscardHandler)
	}
	if a.Clock == nil {
		a.Clock = clock.System{}
	}
	hasher := o.Hasher
	if hasher == nil {
		hasher = auth.NewHasher()
	}
	var err error
	if a.Catalog, err = i18n.Load(); err != nil {
		return nil, err
	}
	if a.DB, _, err = Open(ctx, c); err != nil {
		return nil, err
	}
	fail := func(err error) (*App, error) { a.DB.Close(); return nil, err }

	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return purgeArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(15*time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return demand.ReminderArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(30*time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return events.ReminderArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}),
	}
	if a.Queue, err = jobs.New(a.DB, quieter(a.Log, slog.LevelWarn), jobs.Options{MaxWorkers: c.Workers, PeriodicJobs: periodic}); err != nil {
		return fail(err)
	}
	if err := a.Queue.Migrate(ctx); err != nil {
		return fail(err)
	}
	sender := o.Sender
	if sender == nil && c.SMTPURL != "" {
		if sender, err = mail.NewSMTPSender(c.SMTPURL); err != nil {
			return fail(err)
		}
	}
	if a.Outbox, err = mail.NewOutbox(a.DB, a.Queue, a.Clock, sender, mail.OutboxOptions{Logger: a.Log}); err != nil {
		return fail(err)
	}

	members := member.NewStore(a.DB)
	ssoStore := sso.NewStore(a.DB)
	if a.Auth, err = auth.NewService(a.DB, ssoStore.PasswordGate(members), hasher, a.Clock); err != nil {
		return fail(err)
	}
	a.Members = member.NewService(a.DB, members, a.Auth, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL)
	if err := jobs.Register(a.Queue, &purgeWorker{auth: a.Auth}); err != nil {
		return fail(err)
	}
	if a.Demand, err = demand.NewService(a.DB, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL); err != nil {
		return fail(err)
	}
	if err := jobs.Register(a.Queue, &demand.ReminderWorker{Service: a.Demand}); err != nil {
		return fail(err)
	}
	store, err := files.NewDisk(c.FilesPath(), files.DiskOptions{MaxBytes: tender.MaxBidBytes * 2})
	if err != nil {
		return fail(err)
	}
	master, err := openSealMaster(ctx, a.DB, c.SealKeyPath())
	if err != nil {
		return fail(err)
	}
	a.Tenders = tender.NewService(a.DB, a.Demand, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL, store, master)

	a.Assemblies = assembly.NewService(a.DB, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL, store)

	if a.Agreements, err = agreement.NewService(ctx, a.DB, members, agreement.TenderAwards{DB: a.DB, Tenders: a.Tenders, Demand: a.Demand},
		a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL); err != nil {
		return fail(err)
	}
	// Catalogues above agreement.SyncImportBytes are imported by a job.
	if err := a.Agreements.EnableImportJobs(a.Queue, filepath.Join(c.DataDir, "spool", "imports")); err != nil {
		return fail(err)
	}
	if err := jobs.Register(a.Queue, &agreement.ImportWorker{Service: a.Agreements}); err != nil {
		return fail(err)
	}

	a.Advice = advice.NewService(a.DB, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL, store)
	a.Events = events.NewService(a.DB, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL)
	a.Brokering = brokering.NewService(a.DB, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL)
	a.Groups = groups.NewService(a.DB, members, a.Outbox.Plain(), a.Catalog, a.Clock, c.BaseURL, store)
	a.Advice.SetGroups(a.Groups)
	if err := jobs.Register(a.Queue, &events.ReminderWorker{Service: a.Events}); err != nil {
		return fail(err)
	}

	ssoSecrets, err := sso.LoadOrCreateSecrets(filepath.Join(filepath.Dir(c.SealKeyPath()), "sso.key"))
	if err != nil {
		return fail(err)
	}
	a.SSO = sso.NewService(a.DB, ssoStore, a.Members, a.Auth, ssoSecrets, a.Clock, c.BaseURL)

	tpl, err := web.ParseTemplates(webassets.Templates(), webassets.Static, member.Templates(), demand.Templates(), tender.Templates(), admin.Templates(), assembly.Templates(), agreement.Templates(), advice.Templates(), events.Templates(), brokering.Templates(), groups.Templates(), privacy.Templates(), sso.Templates(), search.Templates())
	if err != nil {
		return fail(err)
	}
	a.Web = web.NewServer(a.Catalog, a.Log, tpl, a.Auth, web.Options{SecureCookies: c.SecureCookies, MaxBodyBytes: c.MaxBodyBytes})
	a.Web.SetNav(slices.Concat(member.Nav(), demand.Nav(), tender.Nav(), assembly.Nav(), agreement.Nav(), advice.Nav(), groups.Nav(), events.Nav(), brokering.Nav(), search.Nav(), admin.Nav()))

	memberHandlers := member.NewHandlers(a.Members, a.Web)
	adminHandlers := admin.NewHandlers(a.DB, a.Web, a.Outbox, a.Clock)
	demandHandlers := demand.NewHandlers(a.Demand, a.Web)
	a.Web.AddPanel(demandHandlers.CallsPanel)
	tenderHandlers := tender.NewHandlers(a.Tenders, a.Web)
	assemblyHandlers := assembly.NewHandlers(a.Assemblies, a.Web)
	a.Web.AddPanel(assemblyHandlers.Panel)
	agreementHandlers := agreement.NewHandlers(a.Agreements, a.Web)
	a.Web.AddPanel(agreementHandlers.Panel)
	adviceHandlers := advice.NewHandlers(a.Advice, a.Web)
	a.Web.AddPanel(adviceHandlers.Panel)
	eventHandlers := events.NewHandlers(a.Events, a.Web)
	a.Web.AddPanel(eventHandlers.Panel)
	brokeringHandlers := brokering.NewHandlers(a.Brokering, a.Web)
	a.Web.AddPanel(brokeringHandlers.Panel)
	groupHandlers := groups.NewHandlers(a.Groups, a.Web)
	a.Web.AddPanel(groupHandlers.Panel)
	a.Privacy = privacy.NewService(a.DB, a.Clock, a.Catalog, a.privacySubject, tender.PrivacySource{},
		assembly.PrivacySource{}, advice.PrivacySource{}, events.PrivacySource{}, brokering.PrivacySource{}, groups.PrivacySource{}, agreement.PrivacySource{})
	privacyHandlers := privacy.NewHandlers(a.Privacy, a.Web)
	memberships := func(ctx context.Context, userID string) ([]string, error) {
		return a.Groups.Store().GroupIDs(ctx, a.DB, userID)
	}
	if a.Search, err = search.NewIndex(ctx, a.DB, memberships, advice.ArticleSource{DB: a.DB}, brokering.SearchSource{DB: a.DB},
		advice.TemplateSource{DB: a.DB}, events.SearchSource{DB: a.DB}, groups.SearchSource{DB: a.DB}); err != nil {
		return fail(err)
	}
	searchHandlers := search.NewHandlers(a.Search, a.Web)
	ssoHandlers := sso.NewHandlers(a.SSO, a.Web, c.SecureCookies)
	a.Routes = slices.Concat(memberHandlers.Routes(), demandHandlers.Routes(), tenderHandlers.Routes(), assemblyHandlers.Routes(), agreementHandlers.Routes(), adviceHandlers.Routes(), eventHandlers.Routes(), brokeringHandlers.Routes(), groupHandlers.Routes(), privacyHandlers.Routes(), searchHandlers.Routes(), adminHandlers.Routes(), ssoHandlers.Routes())

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	a.Web.Mount(mux, a.Routes)
	mux.Handle("GET /static/", tpl.StaticHandler(webassets.Static))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /api/openapi.json", serveOpenAPI)
	a.Handler = a.Web.Wrap(mux, web.NewMetrics(reg))
	return a, nil
}

// privacySubject finds the person a data-protection request is about.
func (a *App) privacySubject(ctx context.Context, scope auth.Scope, userID string) (privacy.Subject, error) {
	u, err := a.Members.Store().User(ctx, a.DB, scope, userID)
	if err != nil {
		return privacy.Subject{}, err
	}
	return privacy.Subject{UserID: u.ID, OrgID: u.OrgID, Name: u.Name, Email: u.Email}, nil
}

func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := a.DB.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "ready\n")
}

// Start starts the background workers.
func (a *App) Start(ctx context.Context) error { return a.Queue.Start(ctx) }

// Close stops the workers (letting running jobs finish) and closes the database.
func (a *App) Close(ctx context.Context) error {
	err := a.Queue.Stop(ctx)
	return errors.Join(err, a.DB.Close())
}

// purgeArgs is the periodic clean-up of expired sessions and login failures.
type purgeArgs struct{}

func (purgeArgs) Kind() string { return "auth.purge_expired" }

type purgeWorker struct {
	river.WorkerDefaults[purgeArgs]
	auth *auth.Service
}

func (w *purgeWorker) Work(ctx context.Context, _ *river.Job[purgeArgs]) error {
	if err := w.auth.PurgeExpired(ctx); err != nil {
		return fmt.Errorf("purge expired sessions: %w", err)
	}
	return nil
}
