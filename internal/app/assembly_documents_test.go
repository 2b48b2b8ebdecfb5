package app_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kopit/internal/assembly"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
)

// uploadDocument posts one file as the board's upload form does.
func (e *env) uploadDocument(c *http.Client, path, name string, data []byte) (int, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("upload", name)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		e.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		e.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", e.srv.URL+path, &buf)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var documentLinkRE = regexp.MustCompile(`href="(/assemblies/[0-9a-z]+/documents/([0-9a-z]+))" download>([^<]+)<`)

// The board attaches documents to an assembly: PDF, ODT, DOCX and XLSX
// only, not empty, not over the limit, each upload audited; members download
// them, anyone else gets 404.
func TestAssemblyDocuments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		past, next := e.demoAssemblies()
		b := e.client(board)
		path := "/assemblies/" + next
		pdf := []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
		docx := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0}, 100)...)

		// Refused: a forbidden type, a file whose content is not what its
		// name says, an empty file, a file over the limit, no file at all.
		audits := e.auditCount()
		large := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), assembly.MaxDocumentBytes)...)
		for _, c := range []struct {
			name string
			data []byte
			want string
		}{
			{"Einladung.exe", []byte("MZ\x90\x00"), "Dieser Dateityp ist nicht erlaubt: nur PDF, ODT, DOCX oder XLSX."},
			{"Jahresabschluss.txt", []byte("Bilanz"), "Dieser Dateityp ist nicht erlaubt"},
			{"Einladung.pdf", []byte("kein PDF, nur Text"), "Der Inhalt der Datei passt nicht zu ihrer Endung."},
			{"Leer.pdf", nil, "Die Datei ist leer."},
			{"Groß.pdf", large, "Die Datei ist zu groß: höchstens 10 MB."},
		} {
			code, body := e.uploadDocument(b, path+"/documents", c.name, c.data)
			if code != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) || !strings.Contains(body, `id="f-upload-error"`) {
				t.Errorf("upload %s: %d, want 422 with %q at the field", c.name, code, c.want)
			}
		}
		if code, body := e.do(b, "POST", path+"/documents", nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "als Formular mit Datei") {
			t.Errorf("upload without a form: %d", code)
		}
		if docs, _ := e.app.Assemblies.Store().Documents(ctx, e.app.DB, next); len(docs) != 0 {
			t.Fatalf("refused uploads stored: %d", len(docs))
		}
		if e.auditCount() != audits+5 {
			t.Errorf("refused uploads: audit %d → %d, want every refusal recorded", audits, e.auditCount())
		}

		// Accepted: a PDF (twice: the second is version 2) and a DOCX.
		for _, c := range []struct {
			name string
			data []byte
		}{{"Einladung.pdf", pdf}, {"Einladung.pdf", append(pdf, '\n')}, {"Anträge.docx", docx}} {
			if code, _ := e.uploadDocument(b, path+"/documents", c.name, c.data); code != http.StatusSeeOther {
				t.Fatalf("upload %s: %d", c.name, code)
			}
		}
		docs, err := e.app.Assemblies.Store().Documents(ctx, e.app.DB, next)
		if err != nil || len(docs) != 3 || docs[1].Name != "Einladung.pdf" || docs[1].Version != 2 || docs[2].Version != 1 {
			t.Fatalf("documents %+v (%v)", docs, err)
		}
		entries, _, err := audit.List(ctx, e.app.DB, auth.AllScope(), audit.Filter{Action: "assembly.document_added", Limit: 10})
		if err != nil || len(entries) != 3 {
			t.Fatalf("uploads in the audit log: %d (%v)", len(entries), err)
		}
		for _, d := range docs {
			if !slices.ContainsFunc(entries, func(x audit.Entry) bool {
				return x.EntityID == next && strings.Contains(x.Details, d.ID) && strings.Contains(x.Details, d.FileKey)
			}) {
				t.Errorf("upload of %s v%d not in the audit log", d.Name, d.Version)
			}
		}

		// A member sees the list and downloads; the bytes are the upload's.
		member := e.client("einkauf@hzd.example")
		code, body := e.do(member, "GET", path, nil)
		links := documentLinkRE.FindAllStringSubmatch(body, -1)
		if code != 200 || len(links) != 3 || links[0][3] != "Anträge.docx" {
			t.Fatalf("assembly page lists %d documents: %d", len(links), code)
		}
		var v1 string
		for _, l := range links {
			if l[2] == docs[2].ID {
				v1 = l[1]
			}
		}
		code, got := e.do(member, "GET", v1, nil)
		if code != 200 || got != string(pdf) {
			t.Fatalf("download by a member: %d, %d bytes", code, len(got))
		}
		req, _ := http.NewRequest("GET", e.srv.URL+v1, nil)
		res, err := member.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "application/pdf" || !strings.Contains(cd, "attachment") || !strings.Contains(cd, "Einladung.pdf") {
			t.Errorf("download headers: %q, %q", ct, cd)
		}

		// Anyone who may not view assemblies gets 404, as does a document
		// asked for under another assembly.
		for _, who := range []string{"vertrieb@rms.example", "vergabe@kop-it.example"} {
			if code, body := e.do(e.client(who), "GET", v1, nil); code != http.StatusNotFound || strings.Contains(body, "%PDF") {
				t.Errorf("download as %s: %d, want 404", who, code)
			}
		}
		if code, _ := e.do(member, "GET", "/assemblies/"+past+"/documents/"+docs[2].ID, nil); code != http.StatusNotFound {
			t.Errorf("document under another assembly: %d, want 404", code)
		}
		if code, _ := e.uploadDocument(member, path+"/documents", "Einladung.pdf", pdf); code != http.StatusForbidden {
			t.Errorf("upload by a member: %d, want 403", code)
		}
	})
}
