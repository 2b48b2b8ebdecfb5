package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"kopit/internal/agreement"
	"kopit/internal/catalog/bmecat"
	"kopit/internal/platform/money"
)

// ImportFigures are what the import scenario measured beyond the request's
// time.
type ImportFigures struct {
	Products      int     `json:"products"`
	FileBytes     int64   `json:"file_bytes"`
	Seconds       float64 `json:"seconds"`
	ProductsPerS  float64 `json:"products_per_second"`
	PeakRSSBytes  int64   `json:"peak_rss_bytes"` // of the importing process
	InProcess     bool    `json:"in_process"`     // --cpuprofile: the harness imported, its RSS includes the client's
	GenerateFileS float64 `json:"generate_file_seconds"`
}

// catalogueImport: the office imports a generated BMEcat 2005 file of
// Scale.Import products into a new agreement with `kopit import bmecat`,
// started as a separate process while the server runs (on SQLite the
// import's one transaction holds the write lock meanwhile). One request is
// the whole import; its time and the importing process's peak RSS are the
// figures.
//
// Invariants afterwards: the command reported every product created and
// none rejected, the agreement's catalogue holds exactly that many active
// items, and the full-text search finds them.
func catalogueImport() *Scenario {
	var (
		file, ref, agID string
		fig             ImportFigures
		stdout          bytes.Buffer
		env             *Env
	)
	return &Scenario{Name: "catalogue_import", Module: "agreement", CausesOtherLoad: true,
		Doc:  "`kopit import bmecat --agreement REF FILE` of a generated BMEcat 2005 file (German IT hardware) into a new agreement, as a separate process: one request is the whole file",
		Load: Load{Counted: true, Requests: func(Scale) int { return 1 }, Clients: 1},
		Setup: func(ctx context.Context, e *Env) error {
			env = e
			if e.Scale.Import == 0 || len(e.Data.Suppliers) == 0 {
				return errors.New("nothing to import (scale import=0 or suppliers=0)")
			}
			manager, err := e.App.Members.Store().Actor(ctx, e.Data.Manager.ID)
			if err != nil {
				return err
			}
			ag, err := e.App.Agreements.CreateAgreement(ctx, manager, agreement.AgreementInput{Reference: "RV-IMPORT-" + e.Engine,
				Title: "Rahmenvereinbarung Arbeitsplatz-IT (Import-Benchmark)", SupplierOrgID: e.Data.Suppliers[0].ID,
				StartsOn: agreement.Today(time.Now()), EndsOn: agreement.Today(time.Now().AddDate(4, 0, 0)), Max: money.PlainCents(50_000_000_00),
				MemberMax: map[string]string{e.Data.Members[0].ID: money.PlainCents(1_000_000_00)}})
			if err != nil {
				return err
			}
			ref, agID = ag.Reference, ag.ID
			file = filepath.Join(e.Dir, "import-"+e.Engine+".xml")
			f, err := os.Create(file)
			if err != nil {
				return err
			}
			start := time.Now()
			bw := bufio.NewWriterSize(f, 1<<20)
			if err := bmecat.Generate(bw, "2005", e.Scale.Import, seed); err != nil {
				f.Close()
				return err
			}
			if err := bw.Flush(); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fig = ImportFigures{Products: e.Scale.Import, GenerateFileS: time.Since(start).Seconds()}
			if fi, err := os.Stat(file); err == nil {
				fig.FileBytes = fi.Size()
			}
			return nil
		},
		Run: func(ctx context.Context, _ *Client, _ int) error {
			start := time.Now()
			defer func() { fig.Seconds = time.Since(start).Seconds() }()
			stdout.Reset()
			if env.Exe == "" { // --cpuprofile: in-process
				fig.InProcess = true
				resetPeakRSS(os.Getpid())
				f, err := os.Open(file)
				if err != nil {
					return err
				}
				defer f.Close()
				rep, err := env.App.Agreements.ImportForOffice(ctx, ref, filepath.Base(file), f)
				fig.PeakRSSBytes = peakRSS(os.Getpid())
				if err != nil {
					return err
				}
				fmt.Fprintf(&stdout, "%d created, %d updated, %d deleted, %d rejected", rep.Created, rep.Updated, rep.Deleted, rep.Rejected)
				return nil
			}
			cmd := exec.CommandContext(ctx, env.Exe, "import", "bmecat", "--data", env.DataDir, "--database="+env.DatabaseURL, "--agreement", ref, file)
			cmd.Env = childEnv(env.ExeEnv)
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			fig.PeakRSSBytes = childPeakRSS(cmd.ProcessState)
			if err != nil {
				return fmt.Errorf("kopit import bmecat: %w: %s", err, lastLine(stderr.String()))
			}
			return nil
		},
		Check: func(ctx context.Context, e *Env) error {
			defer os.Remove(file)
			fig.ProductsPerS = float64(fig.Products) / max(fig.Seconds, 0.001)
			want := strconv.Itoa(fig.Products) + " created, 0 updated, 0 deleted, 0 rejected"
			if !bytes.Contains(stdout.Bytes(), []byte(want)) {
				return fmt.Errorf("the import reported %q, want %q", lastLine(stdout.String()), want)
			}
			manager, err := e.App.Members.Store().Actor(ctx, e.Data.Manager.ID)
			if err != nil {
				return err
			}
			ag, err := e.App.Agreements.Agreement(ctx, manager, agID)
			if err != nil {
				return err
			}
			if ag.ItemCount != fig.Products {
				return fmt.Errorf("agreement %s has %d active items after importing %d", ref, ag.ItemCount, fig.Products)
			}
			res, err := e.App.Agreements.Search(ctx, manager, agreement.Query{Text: "Notebooks", AgreementID: agID, Limit: 1})
			if err != nil {
				return err
			}
			all, err := e.App.Agreements.Search(ctx, manager, agreement.Query{AgreementID: agID, CPV: "30213100", Limit: 1})
			if err != nil {
				return err
			}
			if res.Total == 0 || res.Total < all.Total {
				return fmt.Errorf("the search finds %d imported items for \"Notebooks\", the catalogue has %d notebooks", res.Total, all.Total)
			}
			return nil
		},
		Report: func(res *Result) {
			f := fig
			res.Import = &f
			res.Note = fmt.Sprintf("%s products (%s) in %.1f s, %s products/s, peak RSS of the import %s", thousands(int64(f.Products)),
				mib(f.FileBytes), f.Seconds, thousands(int64(f.ProductsPerS+0.5)), mib(f.PeakRSSBytes))
		}}
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n"))
	return string(lines[len(lines)-1])
}
