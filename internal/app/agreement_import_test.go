package app_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"kopit/internal/agreement"
)

// TestLargeCatalogueImportRunsAsJob: a catalogue above the size imported in
// the request is spooled and imported by a background job; the upload
// answers at once with the progress page, which reloads itself (Refresh
// header, no script) until it shows the report with the rejected line. Another
// supplier cannot see the job.
func TestLargeCatalogueImportRunsAsJob(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		f := e.agreements()
		var b strings.Builder
		b.WriteString("Artikelnummer;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;Modus\n")
		long := strings.Repeat("Robustes Gehäuse, lange Akkulaufzeit, entspiegeltes Display. ", 25)
		rows := 0
		for b.Len() <= agreement.SyncImportBytes {
			rows++
			price := "19,90"
			if rows == 7 {
				price = "" // line 8 (the header is line 1) is rejected
			}
			fmt.Fprintf(&b, "GROSS-%05d;Zubehörteil %d;%s;Stück;%s;19;new\n", rows, rows, long, price)
		}
		before := e.count("SELECT COUNT(*) FROM catalogue_items WHERE agreement_id = ?", f.notebooks)
		code, body := e.upload("vertrieb@rms.example", "/agreements/"+f.notebooks+"/import", "gross.csv", []byte(b.String()))
		if code != 303 {
			t.Fatalf("large upload: %d %.300s", code, body)
		}
		var jobID string
		if err := e.app.DB.QueryRowContext(t.Context(), "SELECT id FROM catalogue_import_jobs WHERE agreement_id = ?", f.notebooks).Scan(&jobID); err != nil {
			t.Fatal(err)
		}
		page := "/agreements/" + f.notebooks + "/import/" + jobID
		if code, _ := e.do(e.client("vertrieb@hessennet.example"), "GET", page, nil); code != 404 {
			t.Errorf("another supplier sees the job: %d", code)
		}
		supplier := e.client("vertrieb@rms.example")
		deadline := time.Now().Add(2 * time.Minute)
		for {
			req, _ := http.NewRequest("GET", e.srv.URL+page, nil)
			res, err := supplier.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			body = string(raw)
			if strings.Contains(body, `id="import-summary"`) {
				if res.StatusCode != 200 || res.Header.Get("Refresh") != "" {
					t.Errorf("report page: %d, Refresh %q", res.StatusCode, res.Header.Get("Refresh"))
				}
				break
			}
			if res.StatusCode != 200 || res.Header.Get("Refresh") == "" || !strings.Contains(body, `<progress id="import-progress"`) {
				t.Fatalf("progress page: %d, Refresh %q: %.500s", res.StatusCode, res.Header.Get("Refresh"), body)
			}
			if time.Now().After(deadline) {
				t.Fatal("the import did not finish")
			}
			time.Sleep(200 * time.Millisecond)
		}
		if !strings.Contains(body, fmt.Sprintf("%d neu", rows-1)) || !strings.Contains(body, "Zeile 8") {
			t.Errorf("report: %.2000s", body[strings.Index(body, "import-summary"):])
		}
		if got := e.count("SELECT COUNT(*) FROM catalogue_items WHERE agreement_id = ?", f.notebooks); got != before+rows-1 {
			t.Errorf("items: %d, want %d", got, before+rows-1)
		}
		var spool string
		if err := e.app.DB.QueryRowContext(t.Context(), "SELECT spool_path FROM catalogue_import_jobs WHERE id = ?", jobID).Scan(&spool); err != nil {
			t.Fatal(err)
		}
		if _, err := statFile(spool); err == nil {
			t.Errorf("the spool file %s is still there", spool)
		}
	})
}

func statFile(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
