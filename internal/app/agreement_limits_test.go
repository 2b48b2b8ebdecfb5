package app_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// Found by fuzzing: an oversize invoice was reported as "no file" and a
// malformed catalogue upload as a 500.
func TestAgreementUploadsReportOversizeAndMalformedBodies(t *testing.T) {
	e := newEnv(t, "")
	f := e.agreements()
	supplier := e.client("vertrieb@rms.example")
	before := e.auditCount()
	code, _, _ := e.postMultipart(supplier, "/calloffs/"+f.received+"/invoices", nil,
		map[string]map[string][]byte{"file": {"rechnung.xml": bytes.Repeat([]byte("x"), 22<<20)}})
	if code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize invoice: %d, want 413", code)
	}
	req, _ := http.NewRequest("POST", e.srv.URL+"/agreements/"+f.notebooks+"/import", strings.NewReader("--grenze\r\nkaputt"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=grenze")
	res, err := supplier.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("malformed catalogue upload: %d, want 422", res.StatusCode)
	}
	if e.auditCount() != before {
		t.Error("a refused upload changed something")
	}
}
