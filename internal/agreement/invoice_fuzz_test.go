package agreement

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kopit/internal/catalog"
	"kopit/internal/platform/money"
	"kopit/internal/xrechnung"
)

// fuzzCallOff is a confirmed call-off of the test supplier with two lines
// as the catalogue would have them.
func fuzzCallOff(pidA, descA, unitA string, qtyA, priceA int64, vatA int, pidB string, qtyB, priceB int64) CallOff {
	decided := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	return CallOff{ID: "c1", Number: "AB-2026-0001", AgreementID: "ag1", OrgID: "org-a", Status: Confirmed,
		BuyerReference: "04011000-12345-03", DecidedAt: &decided, CreatedAt: decided,
		Lines: []Line{
			{No: 1, ItemID: "i1", SupplierPID: pidA, Description: descA, Unit: unitA, Quantity: qtyA, PriceE4: priceA, VATRate: vatA},
			{No: 2, ItemID: "i2", SupplierPID: pidB, Description: "Dockingstation", Unit: "Stück", Quantity: qtyB, PriceE4: priceB, VATRate: 1900},
		}}
}

// FuzzCallOffInvoiceRoundTrip: the XRechnung kopit writes for a call-off
// (GenerateUBL), read back as an uploaded invoice (Parse), passes the
// invoice checks (Check), matches its own call-off line by line (Match) and
// states the call-off's net total. Catalogue data reaches the invoice as it
// is, so the texts, units, quantities, unit prices (four decimals) and VAT
// rates are fuzzed.
func FuzzCallOffInvoiceRoundTrip(f *testing.F) {
	f.Add("NB-14-G5", "Notebook 14\"", "Stück", int64(3), int64(8999900), 1900, "DS-1", int64(1), int64(1899900))
	f.Add("A&B<1>", "Kabel ]]> & <Stecker>", "m", int64(250), int64(12345), 700, "B", int64(7), int64(1))
	f.Add("Lizenz-1", "Office-Lizenz (Jahr)", "Lizenz", int64(1000), int64(4), 0, "L2", int64(3), int64(5))
	f.Add("X", "Ümlaut €", "C62", int64(1), int64(0), 1900, "Y", int64(1), int64(5))
	f.Add("P1", "Papier", "Paket", int64(99999), int64(99999999), 1900, "P2", int64(12), int64(333333))
	agreement := Agreement{ID: "ag1", Reference: "RV-2026-01", Title: "IT-Hardware", SupplierOrgID: "supplier",
		ContactName: "Vertrieb", ContactPhone: "+49 6151 12345", ContactEmail: "vertrieb@muster-it.example", SupplierVATID: "DE123456789", SupplierIBAN: "DE02120300000000202051"}
	f.Fuzz(func(t *testing.T, pidA, descA, unitA string, qtyA, priceA int64, vatA int, pidB string, qtyB, priceB int64) {
		// What the catalogue import and the order form let through: ids
		// and texts trimmed, valid UTF-8 and not empty, passed by
		// catalog.Validate, distinct ids, quantities 1 … 1,000,000, unit
		// prices up to a million euros, the German VAT rates.
		for _, s := range []string{pidA, descA, pidB} {
			if strings.TrimSpace(s) != s || s == "" || !utf8.ValidString(s) || len(s) > 200 {
				return
			}
		}
		itA := catalog.Item{SupplierPID: pidA, ShortDescription: descA, Unit: unitA, Prices: []catalog.Price{{AmountE4: priceA, Currency: "EUR"}}}
		itB := catalog.Item{SupplierPID: pidB, ShortDescription: "Dockingstation", Unit: "Stück", Prices: []catalog.Price{{AmountE4: priceB, Currency: "EUR"}}}
		catalog.Validate(&itA, catalog.NewCatalog, catalog.Fields{})
		catalog.Validate(&itB, catalog.NewCatalog, catalog.Fields{})
		if itA.Rejected() || itB.Rejected() {
			return
		}
		descA, unitA = itA.ShortDescription, itA.Unit
		if pidA == pidB || qtyA < 1 || qtyB < 1 || qtyA > 1e6 || qtyB > 1e6 ||
			priceA < 0 || priceB < 0 || priceA > 1e10 || priceB > 1e10 || (vatA != 0 && vatA != 700 && vatA != 1900) {
			return
		}
		c := fuzzCallOff(pidA, descA, unitA, qtyA, priceA, vatA, pidB, qtyB, priceB)
		inv := buildInvoice(agreement, c, testOrgs["supplier"], testOrgs["org-a"], *c.DecidedAt)
		doc, err := xrechnung.GenerateUBL(inv)
		if err != nil {
			t.Fatalf("the call-off's invoice cannot be written: %v", err)
		}
		parsed, err := xrechnung.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatalf("kopit's own invoice does not parse: %v\n%s", err, doc)
		}
		for _, f := range append(xrechnung.Check(parsed), xrechnung.Match(order(c), parsed)...) {
			t.Errorf("finding on kopit's own invoice: %s", FindingText(f, "en"))
		}
		var net int64
		for _, l := range c.Lines {
			net += l.NetCents()
		}
		if want := xrechnung.MustDecimal(money.PlainCents(net)); !parsed.Totals.TaxExclusive.Value.Equal(want) {
			t.Errorf("invoice net total %s, call-off total %s", parsed.Totals.TaxExclusive.Text, money.PlainCents(net))
		}
		if len(parsed.Lines) != 2 || parsed.Lines[0].SellerItemID != pidA || parsed.Lines[0].ItemName != descA {
			t.Errorf("lines read back: %+v", parsed.Lines)
		}
	})
}
