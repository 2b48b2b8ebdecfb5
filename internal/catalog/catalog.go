// Package catalog holds what the catalogue readers share: the header of a
// catalogue, one product (Item) with its prices, the per-product problems
// that reject a product without stopping the import, the fatal error that
// does stop it, and the checks both formats apply (GTIN check digit, CPV
// code, VAT rate, required fields, duplicate article numbers).
//
// The readers live in the sub-packages bmecat (BMEcat 1.2 and 2005) and
// catalogcsv (CSV); both yield Items one at a time, so an importer handles
// one type whatever the supplier sent.
package catalog

import (
	"strings"
	"time"
)

// Transaction is what a catalogue file asks the importer to do.
type Transaction string

// The three BMEcat transactions; a CSV file is always a new catalogue
// unless its rows carry a mode.
const (
	NewCatalog     Transaction = "T_NEW_CATALOG"     // the whole catalogue, replacing any earlier one
	UpdateProducts Transaction = "T_UPDATE_PRODUCTS" // products added, changed or deleted (Item.Mode)
	UpdatePrices   Transaction = "T_UPDATE_PRICES"   // prices only; items carry an id and prices
)

// Mode says what happens to one product. In T_NEW_CATALOG every product is
// ModeNew; T_UPDATE_PRODUCTS names the mode per product; T_UPDATE_PRICES
// items are ModeUpdate and carry only prices.
type Mode string

// Product modes as BMEcat spells them (attribute mode="new|update|delete").
const (
	ModeNew    Mode = "new"
	ModeUpdate Mode = "update"
	ModeDelete Mode = "delete"
)

// ParseMode reads "new", "update" or "delete" (any case, surrounding
// blanks ignored).
func ParseMode(s string) (Mode, bool) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case ModeNew:
		return ModeNew, true
	case ModeUpdate:
		return ModeUpdate, true
	case ModeDelete:
		return ModeDelete, true
	}
	return "", false
}

// Header describes the catalogue as a whole. The BMEcat reader fills it from
// HEADER before the first product; the CSV reader fills Format, Encoding and
// Delimiter and leaves the rest to the importer (a CSV file has no header
// block).
type Header struct {
	Format         string      // "BMEcat 1.2", "BMEcat 2005" or "CSV"
	Transaction    Transaction // T_NEW_CATALOG, T_UPDATE_PRODUCTS, T_UPDATE_PRICES
	PrevVersion    string      // prev_version of an update transaction: the catalogue version it applies to
	CatalogID      string      // CATALOG_ID
	CatalogVersion string      // CATALOG_VERSION, e.g. "001.002"
	CatalogName    string      // CATALOG_NAME
	Language       string      // LANGUAGE (ISO 639-2, "deu"); the default one if several are given
	Currency       string      // CURRENCY (ISO 4217), the default for prices without PRICE_CURRENCY
	SupplierID     string      // SUPPLIER_ID (or 2005 SUPPLIER_IDREF)
	SupplierName   string      // SUPPLIER_NAME
	AgreementID    string      // AGREEMENT_ID: the framework agreement the catalogue belongs to
	MimeRoot       string      // MIME_ROOT: base path or URL of relative image sources
	Encoding       string      // "UTF-8", "ISO-8859-1", "Windows-1252" …: the encoding read
	Delimiter      rune        // CSV only: ';', ',' or '\t'
}

// Item is one product as read, normalised: ids and texts trimmed, the GTIN
// digits only, the CPV code as "30213100-6", prices in ten-thousandths of a
// euro. An item with Problems is rejected; its fields hold what could be read
// so the report can name it.
type Item struct {
	Line             int       // source line of the product (BMEcat: its start tag; CSV: its record)
	Mode             Mode      // new, update or delete
	SupplierPID      string    // supplier article number: SUPPLIER_AID (1.2), SUPPLIER_PID (2005), Artikelnummer (CSV)
	GTIN             string    // 8, 12, 13 or 14 digits with a valid check digit; "" when not given
	ManufacturerName string    // MANUFACTURER_NAME, Hersteller
	ManufacturerPID  string    // MANUFACTURER_AID / MANUFACTURER_PID, Herstellerartikelnummer
	ShortDescription string    // DESCRIPTION_SHORT, Kurzbeschreibung
	LongDescription  string    // DESCRIPTION_LONG, Langbeschreibung
	Unit             string    // ORDER_UNIT as given (UN/ECE Rec. 20 in BMEcat, e.g. "C62"; CSV often "Stück")
	Prices           []Price   // net prices; see [Item.Price] for the one that counts
	CPV              string    // "30213100-6"; "" when not given
	Images           []string  // image sources (relative to Header.MimeRoot or absolute URLs), in order
	Problems         []Problem // why the item is rejected; empty when it can be imported
}

// Rejected reports whether the item has a problem and must not be imported.
func (it *Item) Rejected() bool { return len(it.Problems) > 0 }

// Problemf records a problem at line (0: the item's line) for field.
func (it *Item) Problemf(line int, field string, code Code, args ...string) {
	if line == 0 {
		line = it.Line
	}
	it.Problems = append(it.Problems, Problem{Line: line, Field: field, Code: code, Args: args})
}

// Price is one net price of an item.
type Price struct {
	Type         string    // BMEcat price_type: "net_customer" (agreed for this customer) or "net_list"
	AmountE4     int64     // net amount in ten-thousandths of a euro (money.ParseE4): 1234.5 € = 12345000
	Currency     string    // ISO 4217; "EUR" unless the catalogue says otherwise
	VAT          VATRate   // the VAT rate, or VATUnknown
	LowerBoundE4 int64     // the smallest quantity this price applies to, in ten-thousandths (1 = 10000)
	ValidFrom    time.Time // first day of validity (UTC midnight); zero when open
	ValidTo      time.Time // last day of validity (UTC midnight); zero when open
}

// Price types the readers keep. Gross, recommended retail and user-defined
// prices (gros_list, nrp, udp_*) are skipped: a framework agreement is
// priced net.
const (
	PriceNetCustomer = "net_customer"
	PriceNetList     = "net_list"
)

// Price is the price that counts for an order of one unit: a net_customer
// price before a net_list price, then the one with the smallest lower bound,
// then the earliest validity; false when the item has no price.
func (it *Item) Price() (Price, bool) {
	best, ok := Price{}, false
	for _, p := range it.Prices {
		if !ok || better(p, best) {
			best, ok = p, true
		}
	}
	return best, ok
}

func better(p, q Price) bool {
	if (p.Type == PriceNetCustomer) != (q.Type == PriceNetCustomer) {
		return p.Type == PriceNetCustomer
	}
	if p.LowerBoundE4 != q.LowerBoundE4 {
		return p.LowerBoundE4 < q.LowerBoundE4
	}
	return p.ValidFrom.Before(q.ValidFrom)
}
