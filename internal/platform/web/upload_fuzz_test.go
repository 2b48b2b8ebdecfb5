package web

import (
	"bytes"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"unicode"

	"kopit/internal/platform/errs"
)

const fuzzBoundary = "kopitboundary"

// multipartRequest is a POST with body as the multipart form and the body
// limit the routes put on it.
func multipartRequest(body []byte, limit int64) *http.Request {
	r := httptest.NewRequest("POST", "/upload", bytes.NewReader(body))
	r.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)
	return r
}

// checkReadError holds an error of ReadMultipart to what the handlers can
// answer without a 500: a form that is not one (the caller's field message),
// a field that is too long (422 at the field), text that cannot be stored
// (422) or a body over the limit (413).
func checkReadError(t *testing.T, err error) {
	t.Helper()
	var tooBig *http.MaxBytesError
	if e, ok := errs.As(err); ok {
		if e.Code == errs.Invalid && e.Key == "error.invalid" && len(e.Fields) == 0 {
			return // text PostgreSQL could not store
		}
		if e.Code != errs.Invalid || len(e.Fields) != 1 {
			t.Fatalf("validation error %+v", e)
		}
		for _, key := range e.Fields {
			if key != "error.too_long" {
				t.Fatalf("field message %q", key)
			}
		}
		return
	}
	if !errors.Is(err, ErrNotMultipart) && !errors.As(err, &tooBig) {
		t.Fatalf("error %v (%T) would be a 500", err, err)
	}
}

// FuzzReadMultipart feeds arbitrary bodies to ReadMultipart under a body
// limit: it must never panic, answer only with the errors a handler maps to
// 4xx, and never hand out a field or a file over its limit.
func FuzzReadMultipart(f *testing.F) {
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	_ = mw.SetBoundary(fuzzBoundary)
	_ = mw.WriteField("lot", "lot-1")
	_ = mw.WriteField("price-a", "899,99")
	fw, _ := mw.CreateFormFile("documents", "angebot.pdf")
	_, _ = fw.Write([]byte("%PDF-1.7\n"))
	_ = mw.Close()
	f.Add(form.Bytes())
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n--" + fuzzBoundary + "--\r\n"))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data\r\n" + strings.Repeat("X-A: b\r\n", 500) + "\r\n\r\n--" + fuzzBoundary + "--\r\n"))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\xff\xfe.pdf\"\r\n\r\n\xef\xbb\xbf\x00\r\n--" + fuzzBoundary + "--\r\n"))
	f.Add([]byte("not a form at all"))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nFrage\x00 mit \xff\xfe Bytes\r\n--" + fuzzBoundary + "--\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		const maxFile, maxField = 1024, 64
		fields, files, err := ReadMultipart(multipartRequest(body, 1<<16), maxFile, MaxField(maxField))
		if err != nil {
			checkReadError(t, err)
			return
		}
		for k, v := range fields {
			if len(v) > maxField {
				t.Fatalf("field %q holds %d bytes", k, len(v))
			}
			if !storable(k) || !storable(v) {
				t.Fatalf("field %q = %q would be refused by PostgreSQL", k, v)
			}
		}
		for _, u := range files {
			if len(u.Data) > maxFile+1 {
				t.Fatalf("file %q holds %d bytes", u.Name, len(u.Data))
			}
			if !storable(u.Name) {
				t.Fatalf("file name %q would be refused by PostgreSQL", u.Name)
			}
		}
	})
}

// FuzzReadMultipartRoundTrip writes a form with the standard writer and
// reads it back: what fits the limits comes back unchanged, a longer field
// is refused at its name, never cut short.
func FuzzReadMultipartRoundTrip(f *testing.F) {
	f.Add("body", "Nach § 56 VgV …", "anlage.pdf", []byte("%PDF-1.7"))
	f.Add("subject", strings.Repeat("ä", 40), "a \"b\".txt", []byte{})
	f.Add("x", "", "Ünïcödé\\name.docx", []byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, name, value, fileName string, data []byte) {
		// (The reader keeps only the base of a file name: no "/".)
		if name == "" || fileName == "" || !printable(name) || !printable(fileName) || strings.TrimSpace(fileName) != fileName ||
			strings.Contains(fileName, "/") {
			return
		}
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.SetBoundary(fuzzBoundary)
		if err := mw.WriteField(name, value); err != nil {
			t.Fatal(err)
		}
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = fw.Write(data)
		_ = mw.Close()
		if bytes.Contains([]byte(value), []byte("--"+fuzzBoundary)) || bytes.Contains(data, []byte("--"+fuzzBoundary)) {
			return // the writer does not escape its own boundary
		}
		const maxField = 64
		fields, files, err := ReadMultipart(multipartRequest(body.Bytes(), 1<<20), 1<<16, MaxField(maxField))
		if !storable(name) || !storable(value) || !storable(fileName) {
			if e, ok := errs.As(err); !ok || e.Key != "error.invalid" {
				t.Fatalf("text PostgreSQL cannot store gave %v, want error.invalid", err)
			}
			return
		}
		if len(value) > maxField {
			e, ok := errs.As(err)
			if !ok || e.Fields[name] != "error.too_long" {
				t.Fatalf("a field of %d bytes gave %v, want error.too_long at %q", len(value), err, name)
			}
			return
		}
		if err != nil {
			t.Fatalf("well-formed form refused: %v", err)
		}
		if fields[name] != value {
			t.Fatalf("field %q = %q, want %q", name, fields[name], value)
		}
		if len(files) != 1 || !bytes.Equal(files[0].Data, data) {
			t.Fatalf("file came back as %d files", len(files))
		}
	})
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}

func TestReadMultipartFieldLimits(t *testing.T) {
	form := func(value string) []byte {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.SetBoundary(fuzzBoundary)
		_ = mw.WriteField("body", value)
		_ = mw.Close()
		return body.Bytes()
	}
	for _, tc := range []struct {
		name  string
		size  int
		opts  []MultipartOption
		limit bool
	}{
		{"default limit, exactly", DefaultMaxField, nil, false},
		{"default limit, one byte over", DefaultMaxField + 1, nil, true},
		{"raised limit", 200_000, []MultipartOption{MaxField(200_000)}, false},
		{"raised limit, one byte over", 200_001, []MultipartOption{MaxField(200_000)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			value := strings.Repeat("a", tc.size)
			fields, _, err := ReadMultipart(multipartRequest(form(value), 1<<20), 1024, tc.opts...)
			if tc.limit {
				e, ok := errs.As(err)
				if !ok || e.Code != errs.Invalid || e.Fields["body"] != "error.too_long" {
					t.Fatalf("got %v, want error.too_long at body", err)
				}
				return
			}
			if err != nil || fields["body"] != value {
				t.Fatalf("got %d bytes, %v", len(fields["body"]), err)
			}
		})
	}
}

// TestReadMultipartMalformedBodiesAreTheClientsFault: a form that breaks off
// or has a broken part header is ErrNotMultipart (the caller's message at
// its field), not an error the server logs and answers with 500. (A body
// without any boundary line reads as an empty form: the caller then reports
// the missing fields.)
func TestReadMultipartMalformedBodiesAreTheClientsFault(t *testing.T) {
	for name, body := range map[string]string{
		"ends early":    "--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nabc",
		"broken header": "--" + fuzzBoundary + "\r\nContent-Disposition form-data\r\n\r\nx\r\n--" + fuzzBoundary + "--\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ReadMultipart(multipartRequest([]byte(body), 1<<20), 1024)
			if !errors.Is(err, ErrNotMultipart) {
				t.Fatalf("got %v (%T), want ErrNotMultipart", err, err)
			}
		})
	}
}

// TestReadMultipartMemoryIsBounded sends a 50 MiB field and a 50 MiB file
// under a 1 MiB body limit: the reader stops at the limit (413) and holds
// little memory.
func TestReadMultipartMemoryIsBounded(t *testing.T) {
	big := bytes.Repeat([]byte("A"), 50<<20)
	for _, part := range []string{"Content-Disposition: form-data; name=\"a\"", "Content-Disposition: form-data; name=\"f\"; filename=\"f.pdf\""} {
		body := append([]byte("--"+fuzzBoundary+"\r\n"+part+"\r\n\r\n"), big...)
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := ReadMultipart(multipartRequest(body, 1<<20), 10<<20, MaxField(1<<30))
		runtime.ReadMemStats(&after)
		var tooBig *http.MaxBytesError
		if !errors.As(err, &tooBig) {
			t.Fatalf("%s: got %v, want the body limit", part, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
			t.Errorf("%s: allocated %d MiB for a 1 MiB body limit", part, got>>20)
		}
	}
}

// TestReadMultipartRefusesUnstorableText: a NUL byte or invalid UTF-8 in a
// field or a file name, which PostgreSQL refuses in a text column (a 500),
// is refused as invalid input; valid text passes as it is. (A NUL byte in
// a part header is already refused by the MIME reader: ErrNotMultipart.)
func TestReadMultipartRefusesUnstorableText(t *testing.T) {
	part := func(disposition, value string) string {
		return "--" + fuzzBoundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n\r\n" + value + "\r\n"
	}
	end := "--" + fuzzBoundary + "--\r\n"
	for name, body := range map[string]string{
		"NUL in a field":           part(`name="body"`, "Fra\x00ge"),
		"invalid UTF-8 in a field": part(`name="body"`, "Frage \xff\xfe"),
		"invalid UTF-8 in a name":  part("name=\"b\xffody\"", "Frage"),
		"Latin-1 file name":        part(`name="f"; filename="M`+"\xe4"+`rz.pdf"`, "%PDF"),
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := ReadMultipart(multipartRequest([]byte(body+end), 1<<20), 1024)
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid {
				t.Fatalf("got %v, want an invalid-input error", err)
			}
		})
	}
	fields, files, err := ReadMultipart(multipartRequest([]byte(part(`name="subject"`, "Ärger mit § 56 – „VgV“")+part(`name="f"; filename="Prüfung.pdf"`, "%PDF")+end), 1<<20), 1024)
	if err != nil || fields["subject"] != "Ärger mit § 56 – „VgV“" || len(files) != 1 || files[0].Name != "Prüfung.pdf" {
		t.Fatalf("valid text: %q %+v %v", fields, files, err)
	}
}
