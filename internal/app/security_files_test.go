package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/demo"
)

const canary = "KOPIT-CANARY-7d1f0c outside the file store"

// storedFiles counts the files in the store (without its temporary folder).
func (e *env) storedFiles() int {
	e.t.Helper()
	root := e.app.Config.FilesPath()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p == filepath.Join(root, "tmp") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			n++
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// fileRoutes uploads one file through every kind of download kopit has and
// returns their download URLs, each with the user who may fetch it.
type download struct {
	what, url, who string
	content        []byte
}

func (e *env) fileDownloads(t *testing.T) []download {
	ctx := context.Background()
	var out []download
	// Tender documents: public once the tender is published.
	tn := e.tenderFromDemo()
	pm := e.client("vergabe@kop-it.example")
	tdoc := append([]byte("%PDF-1.4\n% tender document\n"), pdf...)
	if code, _ := e.postFile(pm, "/tenders/"+tn.ID+"/documents", "document", "Leistungsbeschreibung.pdf", tdoc, nil); code != 303 {
		t.Fatalf("tender document: %d", code)
	}
	if err := e.app.Tenders.Publish(ctx, e.actor("vergabe@kop-it.example"), tn.ID); err != nil {
		t.Fatal(err)
	}
	docs, err := e.app.Tenders.Store().Documents(ctx, e.app.DB, tn.ID)
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents: %v %v", docs, err)
	}
	out = append(out, download{"tender document", "/ausschreibungen/" + tn.ID + "/documents/" + docs[0].ID, "", tdoc})

	// Assembly documents: the board uploads, members download.
	_, next := e.demoAssemblies()
	adoc := append([]byte("%PDF-1.4\n% assembly document\n"), pdf...)
	if code, body := e.uploadDocument(e.client(board), "/assemblies/"+next+"/documents", "Einladung.pdf", adoc); code != 303 {
		t.Fatalf("assembly document: %d %s", code, body)
	}
	_, page := e.do(e.client(board), "GET", "/assemblies/"+next, nil)
	m := documentLinkRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no document link on the assembly page")
	}
	out = append(out, download{"assembly document", m[1], "vorstand@hzd.example", adoc})

	// Advice attachments: confidential to the asking member and the desk.
	att := append([]byte("%PDF-1.4\n% advice attachment\n"), pdf...)
	code, loc, _ := e.postMultipart(e.client("einkauf@hzd.example"), "/advice", map[string]string{"topic": "procurement_law",
		"subject": "Frage mit Anlage", "body": "Bitte prüfen Sie die Anlage."}, map[string]map[string][]byte{"attachments": {"Anlage.pdf": att}})
	if code != 303 {
		t.Fatalf("advice question: %d", code)
	}
	qid := strings.TrimPrefix(loc, "/advice/")
	atts, err := e.app.Advice.Store().Attachments(ctx, e.app.DB, qid)
	if err != nil || len(atts) != 1 {
		t.Fatalf("attachments: %v %v", atts, err)
	}
	out = append(out, download{"advice attachment", "/advice/" + qid + "/attachments/" + atts[0].ID, "einkauf@hzd.example", att})

	// Contract templates: the desk uploads, members download.
	tpl := append([]byte("%PDF-1.4\n% contract template\n"), pdf...)
	if code, _, body := e.postMultipart(e.client("recht@kop-it.example"), "/vertragsvorlagen", map[string]string{"kind": "evb_it_cloud",
		"title": "EVB-IT Cloud (Sicherheitstest)", "version": "1.0", "valid_from": "2025-01-01"},
		map[string]map[string][]byte{"file": {"evb.pdf": tpl}}); code != 303 {
		t.Fatalf("template: %d %s", code, body)
	}
	ts, err := e.app.Advice.Store().Templates(ctx, e.app.DB)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range ts {
		if tp.Title == "EVB-IT Cloud (Sicherheitstest)" {
			out = append(out, download{"contract template", "/vertragsvorlagen/" + tp.ID, "einkauf@hzd.example", tpl})
		}
	}
	if len(out) != 4 {
		t.Fatalf("downloads: %d", len(out))
	}
	return out
}

// following is a client that follows redirects as a browser would, signed
// in as email.
func (e *env) following(email string) *http.Client {
	c := e.client(email)
	c.CheckRedirect = nil
	return c
}

// TestSecurityDownloadsStayInsideTheStore tries to leave the file store
// through every download route: dot segments plain, percent-encoded and
// with backslashes, encoded slashes, absolute paths, the storage key instead
// of the id, an id from another download route, another member's file.
// Every attempt ends in 404 (after following any redirect, as a browser
// does) and never shows a file from outside the store.
func TestSecurityDownloadsStayInsideTheStore(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		outside := []string{filepath.Join(e.app.Config.DataDir, "canary.txt"), filepath.Join(e.app.Config.FilesPath(), "canary.txt")}
		for _, p := range outside {
			if err := os.WriteFile(p, []byte(canary), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		downloads := e.fileDownloads(t)
		attacks := []string{
			"../../../../../../../../etc/passwd",
			"..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
			"%2e%2e%2f%2e%2e%2fcanary.txt",
			"%2e%2e/%2e%2e/%2e%2e/canary.txt",
			"..%5c..%5c..%5ccanary.txt",
			"....//....//canary.txt",
			"%252e%252e%252fcanary.txt",
			"canary.txt",
			"%2fetc%2fpasswd",
			url.PathEscape(outside[0]),
			url.PathEscape(outside[1]),
			"%00",
			"x%00.pdf",
			"%ff%fe",
			"%c0%ae%c0%ae%c0%afcanary.txt",
		}
		for i, d := range downloads {
			owner := e.following(d.who)
			// The control: the legitimate download works.
			code, body := e.do(owner, "GET", d.url, nil)
			if code != 200 || !bytes.Equal([]byte(body), d.content) {
				t.Fatalf("%s: legitimate download %d", d.what, code)
			}
			base := d.url[:strings.LastIndex(d.url, "/")+1]
			id := d.url[len(base):]
			var tries []string
			for _, a := range attacks {
				tries = append(tries, base+a, base+id+"/"+a, base+id+"%2f..%2f..%2fcanary.txt")
			}
			// The content's storage key and the key's path inside the store.
			key := fmt.Sprintf("%x", sha256sum(d.content))
			tries = append(tries, base+key, base+key[:2]+"%2f"+key[2:4]+"%2f"+key)
			// Ids of the other downloads, under this route.
			for j, o := range downloads {
				if j != i {
					tries = append(tries, base+o.url[strings.LastIndex(o.url, "/")+1:])
				}
			}
			for _, try := range tries {
				code, body := e.do(owner, "GET", try, nil)
				if code != 404 || strings.Contains(body, "KOPIT-CANARY") || strings.Contains(body, "root:") || strings.Contains(body, "%PDF") {
					t.Errorf("%s: GET %s → %d (%.60q)", d.what, try, code, body)
				}
			}
		}
		// Another member's (or a supplier's) user does not get the file.
		for _, c := range []struct{ what, who string }{
			{"advice attachment", "admin@ekom21.example"},
			{"assembly document", "vertrieb@rms.example"},
			{"contract template", "vertrieb@rms.example"},
		} {
			for _, d := range downloads {
				if d.what != c.what {
					continue
				}
				code, body := e.do(e.following(c.who), "GET", d.url, nil)
				if code != 404 && code != 403 || strings.Contains(body, "%PDF") {
					t.Errorf("%s as %s: %d", d.what, c.who, code)
				}
			}
		}
	})
}

// changeCount counts audit entries that record a change (the assembly
// module also audits refused uploads, on purpose).
func (e *env) changeCount() int {
	e.t.Helper()
	var n int
	if err := e.app.DB.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log WHERE action NOT LIKE ?", "%refused").Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// multipartBody builds a form with one file of size bytes (content repeats
// head), streamed, and returns its content type and length.
func multipartBody(fields map[string]string, field, name string, head []byte, size int64) (io.Reader, string, int64) {
	var pre bytes.Buffer
	mw := multipart.NewWriter(&pre)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	_, _ = mw.CreateFormFile(field, name)
	prefix := append([]byte{}, pre.Bytes()...)
	pre.Reset()
	_ = mw.Close()
	suffix := pre.Bytes()
	fill := io.LimitReader(repeatReader{}, size-int64(len(head)))
	r := io.MultiReader(bytes.NewReader(prefix), bytes.NewReader(head), fill, bytes.NewReader(suffix))
	return r, mw.FormDataContentType(), int64(len(prefix)) + size + int64(len(suffix))
}

type repeatReader struct{}

func (repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestSecurityUploadLimits sends every upload form a body over the route's
// limit (with and without Content-Length) and a Windows program named .pdf:
// 413 with a clear message, 422 with the message at the file field, and in
// both cases nothing stored and nothing audited.
func TestSecurityUploadLimits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		tn := e.tenderFromDemo()
		_, next := e.demoAssemblies()
		limits := map[string]int64{}
		for _, rt := range e.app.Routes {
			limits[rt.Method+" "+rt.Pattern] = rt.MaxBody
		}
		forms := []struct {
			route, path, who, field string
			fields                  map[string]string
		}{
			{"POST /tenders/{id}/documents", "/tenders/" + tn.ID + "/documents", "vergabe@kop-it.example", "document", nil},
			{"POST /assemblies/{id}/documents", "/assemblies/" + next + "/documents", board, "upload", nil},
			{"POST /advice", "/advice", "einkauf@hzd.example", "attachments", map[string]string{"topic": "procurement_law",
				"subject": "Frage", "body": "Bitte prüfen."}},
			{"POST /vertragsvorlagen", "/vertragsvorlagen", "recht@kop-it.example", "file", map[string]string{"kind": "evb_it_cloud",
				"title": "EVB-IT (Test)", "version": "1.0", "valid_from": "2025-01-01"}},
		}
		files, audits := e.storedFiles(), e.changeCount()
		exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
		for _, f := range forms {
			limit := limits[f.route]
			if limit == 0 {
				t.Fatalf("%s has no upload limit of its own", f.route)
			}
			c := e.client(f.who)
			for _, chunked := range []bool{false, true} {
				body, ctype, n := multipartBody(f.fields, f.field, "Gross.pdf", []byte("%PDF-1.4\n"), limit+1)
				if chunked {
					body = struct{ io.Reader }{body} // unknown length: sent chunked
				}
				req, _ := http.NewRequest("POST", e.srv.URL+f.path, body)
				req.Header.Set("Content-Type", ctype)
				if !chunked {
					req.ContentLength = n
				}
				res, err := c.Do(req)
				if err != nil {
					t.Fatalf("%s oversize (chunked=%v): %v", f.route, chunked, err)
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "zu groß") {
					t.Errorf("%s oversize (chunked=%v): %d, want 413 with a message", f.route, chunked, res.StatusCode)
				}
			}
			for name, data := range map[string][]byte{"Leistungsbeschreibung.pdf": exe, "Angebot.pdf": []byte("<html><script>alert(1)</script></html>"),
				"setup.exe": exe} {
				code, _, body := e.postMultipart(c, f.path, f.fields, map[string]map[string][]byte{f.field: {name: data}})
				atField := strings.Contains(body, `id="f-`+f.field+`-error"`)
				if f.field == "document" {
					// The tender's document form shows the message above the
					// field, without tying it to the input (reported).
					atField = strings.Contains(body, `class="kern-error"`)
				}
				if code != http.StatusUnprocessableEntity || !atField || !strings.Contains(body, "nicht zu ihrer Endung") && !strings.Contains(body, "nicht zugelassen") && !strings.Contains(body, "nicht erlaubt") {
					t.Errorf("%s with %s: %d, want 422 at the field\n%s", f.route, name, code, body)
				}
			}
		}
		if got := e.storedFiles(); got != files {
			t.Errorf("refused uploads stored %d files", got-files)
		}
		if got := e.changeCount(); got != audits {
			t.Errorf("refused uploads wrote %d audit entries", got-audits)
		}
	})
}

func sha256sum(b []byte) [32]byte { return sha256.Sum256(b) }

// TestSecurityUnstorableInput sends NUL bytes and invalid UTF-8 in ids,
// query strings and form fields. PostgreSQL refuses such text, which used to
// surface as 500 (sign-in, password reset, profile); now ids and queries
// answer 404 and forms 422, on both engines, and nothing is stored.
func TestSecurityUnstorableInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := e.client("einkauf@hzd.example")
		audits := e.changeCount()
		for _, v := range []string{"a\x00b", "a\xffb"} {
			for _, r := range []struct {
				method, path string
				form         url.Values
				want         int
			}{
				{"GET", "/organisations/" + url.PathEscape(v), nil, 404},
				{"GET", "/calls?q=" + url.QueryEscape(v), nil, 404},
				{"POST", "/profile", url.Values{"name": {v}, "lang": {"de"}}, 422},
				{"POST", "/login", url.Values{"email": {"x" + v + "@hzd.example"}, "password": {demo.Password}}, 422},
				{"POST", "/password/forgot", url.Values{"email": {"x" + v + "@hzd.example"}}, 422},
				{"POST", "/advice/levels", url.Values{v: {"1"}}, 422},
			} {
				if code, _ := e.do(c, r.method, r.path, r.form); code != r.want {
					t.Errorf("%s %s with %q: %d, want %d", r.method, r.path, v, code, r.want)
				}
			}
		}
		if got := e.changeCount(); got != audits {
			t.Errorf("refused input wrote %d audit entries", got-audits)
		}
	})
}
