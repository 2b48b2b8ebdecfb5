package agreement

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kopit/internal/platform/errs"
	"kopit/internal/xrechnung"
)

// FuzzUploadInvoice uploads arbitrary documents as the supplier's invoice
// for a confirmed call-off (see fuzzDB). Seeds: the call-off's own invoice,
// the official XRechnung business cases (when ../shared is there) and
// hostile documents. A document is either refused at the file field with a
// message the supplier can read, and nothing is stored, or stored with
// findings that have a text; the invoice kopit generated itself has none.
func FuzzUploadInvoice(f *testing.F) {
	fx := newFixture(f, fuzzDB(f))
	ctx := f.Context()
	if _, err := fx.svc.SaveSettings(ctx, actor("org-a", "member_admin"), "", "04011000-1234512345-06"); err != nil {
		f.Fatal(err)
	}
	buyer, sup := actor("org-a", "member_buyer"), actor("supplier", "supplier_user")
	c, err := fx.svc.Submit(ctx, buyer, OrderInput{AgreementID: fx.ag.ID, DeliveryAddress: "Markt 1", CostCentre: "KST 1",
		Lines: []OrderLine{{fx.items[0], "2"}, {fx.items[1], "3"}, {fx.items[2], "7"}}})
	if err != nil {
		f.Fatal(err)
	}
	if err := fx.svc.Confirm(ctx, sup, c.ID); err != nil {
		f.Fatal(err)
	}
	_, own, err := fx.svc.Invoice(ctx, sup, c.ID)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(own)
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "standards", "xrechnung", "business-cases", "01.0*.xml"))
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add(bytes.Replace(own, []byte("<?xml"), []byte(`<!DOCTYPE x [<!ENTITY a "b">]><?xml`), 1))
	f.Add(bytes.Replace(own, []byte("2892.22"), []byte("2892.23"), 1))
	f.Add([]byte(strings.Repeat("<a>", 100)))
	f.Add([]byte("\xef\xbb\xbf"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, doc []byte) {
		rec, err := fx.svc.UploadInvoice(t.Context(), sup, c.ID, bytes.NewReader(doc))
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Fields["file"] == "" {
				t.Fatalf("refusal %v (%T) is not a message at the file field", err, err)
			}
			if args := e.FieldArgs["file"]; len(args) > 0 {
				if s, _ := args[0].(string); s == "" || strings.Contains(s, "%!") {
					t.Fatalf("message argument %q", s)
				}
			}
			return
		}
		if rec.ID == "" || (rec.Syntax != "ubl" && rec.Syntax != "cii") || len([]rune(rec.Number)) > 100 {
			t.Fatalf("record %+v", rec)
		}
		for _, fd := range rec.Findings {
			if FindingText(fd, "de") == "" || strings.Contains(FindingText(fd, "en"), "%!") {
				t.Fatalf("finding without text: %+v", fd)
			}
		}
		if bytes.Equal(doc, own) && len(rec.Findings) != 0 {
			t.Fatalf("kopit's own invoice has findings: %v", rec.Findings)
		}
		if _, err := xrechnung.Parse(bytes.NewReader(doc)); err != nil {
			t.Fatalf("stored a document that does not parse: %v", err)
		}
	})
}
