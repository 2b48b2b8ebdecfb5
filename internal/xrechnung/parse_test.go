package xrechnung

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// spaces is an endless reader of blanks.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestParseRefuses(t *testing.T) {
	ubl, cii := goodInvoice(t, "ubl"), goodInvoice(t, "uncefact")
	afterDecl := func(b []byte, insert string) []byte {
		i := bytes.Index(b, []byte("?>")) + 2
		return append(append(append([]byte{}, b[:i]...), insert...), b[i:]...)
	}
	deep := strings.Repeat("<x>", MaxDepth) + strings.Repeat("</x>", MaxDepth)
	tests := []struct {
		name  string
		input io.Reader
		code  Code
		field string
		args  []string
	}{
		{"DOCTYPE with entity", bytes.NewReader(edit(t, afterDecl(ubl, `<!DOCTYPE ubl:Invoice [<!ENTITY seller "Evil Corp">]>`),
			`[Seller name]`, `&seller;`, 1)), CodeDoctype, "", nil},
		{"billion laughs", strings.NewReader(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`),
			CodeDoctype, "", nil},
		{"external entity", strings.NewReader(`<!DOCTYPE Invoice SYSTEM "file:///etc/passwd"><Invoice xmlns="` + NamespaceUBLInvoice + `"/>`), CodeDoctype, "", nil},
		{"undeclared entity", bytes.NewReader(edit(t, ubl, `[Seller name]`, `&seller;`, 1)), CodeMalformed, "", nil},
		{"wrong namespace", bytes.NewReader(edit(t, ubl, NamespaceUBLInvoice, "urn:oasis:names:specification:ubl:schema:xsd:Invoice-3", 1)),
			CodeNotInvoice, "", []string{"Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-3"}},
		{"Invoice in the CreditNote namespace", bytes.NewReader(edit(t, ubl, NamespaceUBLInvoice, NamespaceUBLCreditNote, 1)),
			CodeNotInvoice, "", []string{"Invoice", NamespaceUBLCreditNote}},
		{"CII in no namespace", bytes.NewReader(edit(t, cii, `xmlns:rsm="`+NamespaceCII+`"`, `xmlns:rsm="urn:example"`, 1)),
			CodeNotInvoice, "", []string{"CrossIndustryInvoice", "urn:example"}},
		{"an order", strings.NewReader(`<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>`),
			CodeNotInvoice, "", []string{"Order", "urn:oasis:names:specification:ubl:schema:xsd:Order-2"}},
		{"deep nesting", bytes.NewReader(edit(t, ubl, `<cbc:Note>`, `<cbc:Note>`+deep, 1)), CodeTooDeep, "", []string{strconv.Itoa(MaxDepth)}},
		{"too large", io.MultiReader(bytes.NewReader(ubl), io.LimitReader(spaces{}, MaxSize)), CodeTooLarge, "", []string{strconv.Itoa(MaxSize)}},
		{"truncated", bytes.NewReader(ubl[:len(ubl)/2]), CodeMalformed, "", []string{"XML syntax error on line 68: unexpected EOF"}},
		{"empty", strings.NewReader(""), CodeMalformed, "", []string{"unexpected end of file"}},
		{"not XML", strings.NewReader("%PDF-1.7\n"), CodeMalformed, "", []string{"text before the root element"}},
		{"second root element", bytes.NewReader(append(append([]byte{}, ubl...), "<x/>"...)), CodeMalformed, "", []string{"a second element after the root element"}},
		{"text after the root", bytes.NewReader(append(append([]byte{}, cii...), "trailing"...)), CodeMalformed, "", []string{"text after the root element"}},
		{"Latin-1 declared", bytes.NewReader(edit(t, ubl, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)), CodeMalformed, "", nil},
		{"amount with a comma", bytes.NewReader(edit(t, ubl, `>314.86</cbc:LineExtensionAmount>`, `>314,86</cbc:LineExtensionAmount>`, 1)),
			CodeBadNumber, "BT-106", []string{"314,86"}},
		{"amount with an exponent", bytes.NewReader(edit(t, cii, `<ram:ChargeAmount>288.79`, `<ram:ChargeAmount>2.8879E2`, 1)),
			CodeBadNumber, "BT-146", []string{"2.8879E2"}},
		{"absurdly long number", bytes.NewReader(edit(t, ubl, `>1</cbc:InvoicedQuantity>`, `>`+strings.Repeat("9", 100)+`</cbc:InvoicedQuantity>`, 1)),
			CodeBadNumber, "BT-129", []string{strings.Repeat("9", 100)}},
		{"impossible date", bytes.NewReader(edit(t, ubl, `<cbc:IssueDate>2016-04-04`, `<cbc:IssueDate>2016-02-30`, 1)),
			CodeBadDate, "BT-2", []string{"2016-02-30"}},
		{"CII date in another format", bytes.NewReader(edit(t, cii, `<udt:DateTimeString format="102">20160404`, `<udt:DateTimeString format="610">201604`, 1)),
			CodeBadDate, "BT-2", []string{"201604 (format 610)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := Parse(tc.input)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, %v; want an *Error %s", inv, err, tc.code)
			}
			if e.Code != tc.code || e.Field != tc.field || (tc.args != nil && strings.Join(e.Args, "|") != strings.Join(tc.args, "|")) {
				t.Errorf("got %s %s %q, want %s %s %q", e.Code, e.Field, e.Args, tc.code, tc.field, tc.args)
			}
			if !errors.Is(err, &Error{Code: tc.code}) {
				t.Error("errors.Is by code")
			}
			if msg := e.Error(); strings.Contains(msg, "%!") || msg == "" {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestParseLimits(t *testing.T) {
	ubl := goodInvoice(t, "ubl")
	// Exactly MaxSize bytes are allowed.
	inv, err := Parse(io.MultiReader(bytes.NewReader(ubl), io.LimitReader(spaces{}, int64(MaxSize-len(ubl)))))
	if err != nil || inv.Number != "123456XX" {
		t.Fatalf("MaxSize bytes: %v", err)
	}
	// MaxDepth levels are allowed: the Note sits at depth 2.
	ok := strings.Repeat("<x>", MaxDepth-2) + strings.Repeat("</x>", MaxDepth-2)
	if _, err := Parse(bytes.NewReader(edit(t, ubl, `<cbc:Note>`, `<cbc:Note>`+ok, 1))); err != nil {
		t.Fatalf("depth %d: %v", MaxDepth, err)
	}
	// Comments, processing instructions and white space around the root are fine.
	wrapped := append(append([]byte("\n<!-- before -->\n"), bytes.TrimPrefix(ubl, []byte(xmlDecl(ubl)))...), "\n<!-- after --><?pi x?>\n"...)
	if _, err := Parse(bytes.NewReader(wrapped)); err != nil {
		t.Fatalf("comments around the root: %v", err)
	}
	// So is a UTF-8 byte order mark.
	if _, err := Parse(bytes.NewReader(append([]byte("\ufeff"), ubl...))); err != nil {
		t.Fatalf("byte order mark: %v", err)
	}
	if _, err := Parse(strings.NewReader("\ufeff\ufeff<x/>")); !errors.Is(err, &Error{Code: CodeMalformed}) {
		t.Fatalf("two byte order marks: %v", err)
	}
}

func xmlDecl(b []byte) string {
	if i := bytes.Index(b, []byte("?>")); bytes.HasPrefix(b, []byte("<?xml")) && i > 0 {
		return string(b[:i+2])
	}
	return ""
}

func TestParseCreditNote(t *testing.T) {
	ubl := string(goodInvoice(t, "ubl"))
	cn := strings.NewReplacer(
		"ubl:Invoice", "ubl:CreditNote",
		NamespaceUBLInvoice, NamespaceUBLCreditNote,
		"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
		"cac:InvoiceLine", "cac:CreditNoteLine",
		"cbc:InvoicedQuantity", "cbc:CreditedQuantity",
	).Replace(ubl)
	inv, err := Parse(strings.NewReader(cn))
	if err != nil {
		t.Fatal(err)
	}
	if inv.Root != "CreditNote" || inv.TypeCode != TypeCreditNote || len(inv.Lines) != 2 || inv.Lines[0].Quantity.Text != "1" ||
		inv.Lines[0].UnitCode != "XPP" || inv.Totals.Payable.Text != "336.9" {
		t.Errorf("credit note: %+v", inv)
	}
	if fs := Check(inv); len(fs) != 0 {
		t.Errorf("findings: %+v", fs)
	}
}

func TestParseFields(t *testing.T) {
	for _, syntax := range []string{"ubl", "uncefact"} {
		inv, err := Parse(bytes.NewReader(goodInvoice(t, syntax)))
		if err != nil {
			t.Fatal(err)
		}
		l := inv.Lines[0]
		checks := []struct{ name, got, want string }{
			{"number", inv.Number, "123456XX"},
			{"date", inv.IssueDate, "2016-04-04"},
			{"type", inv.TypeCode, "380"},
			{"profile", inv.ProfileID, ProfilePeppolBilling},
			{"buyer reference", inv.BuyerReference, "04011000-12345-03"},
			{"seller", inv.Seller.Name, "[Seller name]"},
			{"seller VAT id", inv.Seller.VATID, "DE 123456789"},
			{"seller city", inv.Seller.Address.City, "[Seller city]"},
			{"seller post code", inv.Seller.Address.PostCode, "12345"},
			{"seller country", inv.Seller.Address.Country, "DE"},
			{"seller phone", inv.Seller.Contact.Phone, "+49 1234-5678"},
			{"seller e-mail", inv.Seller.Contact.Email, "seller@email.de"},
			{"seller endpoint", inv.Seller.EndpointID + " " + inv.Seller.EndpointScheme, "seller@email.de EM"},
			{"buyer", inv.Buyer.Name, "[Buyer name]"},
			{"buyer id", inv.Buyer.ID, "[Buyer identifier]"},
			{"buyer street", inv.Buyer.Address.Street, "[Buyer address line 1]"},
			{"IBAN", inv.Payment.IBAN, "DE79000000001234567890"},
			{"means", inv.Payment.MeansCode, "58"},
			{"terms", inv.Payment.Terms, "Zahlbar sofort ohne Abzug."},
			{"line id", l.ID, "Zeitschrift [...]"},
			{"item", l.ItemName, "Zeitschrift [...]"},
			{"seller item id", l.SellerItemID, "246"},
			{"quantity", l.Quantity.Text + " " + l.UnitCode, "1 XPP"},
			{"price", l.NetPrice.Text, "288.79"},
			{"line net", l.NetAmount.Text, "288.79"},
			{"line VAT", l.VATCategory + " " + l.VATRate.Text, "S 7"},
			{"breakdown", inv.VAT[0].Category + " " + inv.VAT[0].Rate.Text + " " + inv.VAT[0].TaxableAmount.Text + " " + inv.VAT[0].TaxAmount.Text, "S 7 314.86 22.04"},
			{"BT-106", inv.Totals.LineTotal.Text, "314.86"},
			{"BT-109", inv.Totals.TaxExclusive.Text, "314.86"},
			{"BT-110", inv.Totals.Tax.Text, "22.04"},
			{"BT-112", inv.Totals.TaxInclusive.Text, "336.9"},
			{"BT-115", inv.Totals.Payable.Text, "336.9"},
			{"BT-115 value", inv.Totals.Payable.Value.Fixed(2), "336.90"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s %s: %q, want %q", syntax, c.name, c.got, c.want)
			}
		}
	}
}

// Business case 01.21a has document level charges (reverse charge, AE);
// 01.17a has a rounding amount (BT-114).
func TestParseAllowancesAndRounding(t *testing.T) {
	dir := businessCases(t)[0]
	dir = dir[:strings.LastIndex(dir, "/")+1]
	for _, syntax := range []string{"ubl", "uncefact"} {
		inv := parseFile(t, dir+"01.21a-INVOICE_"+syntax+".xml")
		if inv.Totals.ChargeTotal.Value.String() != "25" || len(inv.AllowanceCharges) == 0 || inv.VAT[0].Category != "AE" {
			t.Errorf("01.21a %s: %+v %+v", syntax, inv.Totals, inv.AllowanceCharges)
		}
		inv = parseFile(t, dir+"01.17a-INVOICE_"+syntax+".xml")
		if inv.Totals.Rounding.Value.String() != "0.01" || inv.Totals.Payable.Text != "336.91" {
			t.Errorf("01.17a %s: %+v", syntax, inv.Totals)
		}
	}
}
