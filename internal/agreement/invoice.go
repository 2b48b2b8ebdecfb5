package agreement

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"kopit/internal/member"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/id"
	"kopit/internal/platform/money"
	"kopit/internal/xrechnung"
)

// InvoiceFinding is a broken rule (xrechnung.Check) or a difference from the
// call-off (xrechnung.Match).
type InvoiceFinding = xrechnung.Finding

// FindingText writes a finding in lang.
func FindingText(f InvoiceFinding, lang string) string {
	return xrechnung.Message(f.Code, lang, f.Field, f.Line, f.Args...)
}

func unmarshalFindings(raw string, out *[]InvoiceFinding) error {
	return json.Unmarshal([]byte(raw), out)
}

// unitCode maps a catalogue's order unit to UN/ECE Recommendation 20, as
// XRechnung needs it (BT-130): codes are kept, common German words mapped,
// anything else is a piece (H87).
func unitCode(unit string) string {
	u := strings.TrimSpace(unit)
	switch strings.ToLower(strings.TrimSuffix(u, ".")) {
	case "stück", "stck", "stk", "st", "piece", "pcs", "pc":
		return "H87"
	case "paket", "pack", "pk", "packung":
		return "PK"
	case "karton", "box":
		return "CT"
	case "meter", "m":
		return "MTR"
	case "set", "satz":
		return "SET"
	case "monat", "month":
		return "MON"
	case "stunde", "h", "hour":
		return "HUR"
	case "lizenz", "license", "licence":
		return "C62"
	}
	if len(u) >= 2 && len(u) <= 3 && strings.ToUpper(u) == u && isAlnum(u) {
		return u
	}
	return "H87"
}

func isAlnum(s string) bool {
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func e4Decimal(v int64) xrechnung.Decimal { return xrechnung.MustDecimal(money.PlainE4(v)) }

func vatCategory(rate int) string {
	if rate == 0 {
		return "Z"
	}
	return "S"
}

// order is what an invoice for c must bill.
func order(c CallOff) xrechnung.Order {
	o := xrechnung.Order{BuyerReference: c.BuyerReference}
	for _, l := range c.Lines {
		o.Lines = append(o.Lines, xrechnung.OrderLine{SellerItemID: l.SupplierPID, Quantity: xrechnung.DecimalFromInt(l.Quantity),
			NetPrice: e4Decimal(l.PriceE4), VATRate: xrechnung.MustDecimal(vatPercent(l.VATRate))})
	}
	return o
}

// buildInvoice is the XRechnung of a confirmed call-off as the supplier
// would issue it: seller data from the agreement and the supplier's record,
// buyer from the member's record and its buyer reference (Leitweg-ID), the
// lines at the prices the call-off was made at.
func buildInvoice(ag Agreement, c CallOff, supplier, buyer member.Organisation, issued time.Time) xrechnung.Invoice {
	day := issued.In(clock.Berlin)
	ref := c.BuyerReference
	if ref == "" {
		ref = c.CostCentre
	}
	sellerEndpoint := ag.ContactEmail
	if sellerEndpoint == "" {
		sellerEndpoint = supplier.Email
	}
	inv := xrechnung.Invoice{
		Number: "RE-" + strings.TrimPrefix(c.Number, "AB-"), IssueDate: day.Format(time.DateOnly), DueDate: day.AddDate(0, 0, 30).Format(time.DateOnly),
		Currency: "EUR", BuyerReference: ref, OrderReference: c.Number,
		Note: "Abruf " + c.Number + " aus der Rahmenvereinbarung " + ag.Reference + " (" + ag.Title + ")",
		Seller: xrechnung.Party{Name: supplier.Name, LegalID: supplier.RegisterID, VATID: ag.SupplierVATID, EndpointID: sellerEndpoint,
			EndpointScheme: "EM", Address: xrechnung.Address{Street: supplier.Street, City: supplier.City, PostCode: supplier.Postcode, Country: "DE"},
			Contact: xrechnung.Contact{Name: ag.ContactName, Phone: ag.ContactPhone, Email: ag.ContactEmail}},
		Buyer: xrechnung.Party{Name: buyer.Name, EndpointID: buyer.Email, EndpointScheme: "EM",
			Address: xrechnung.Address{Street: buyer.Street, City: buyer.City, PostCode: buyer.Postcode, Country: "DE"}},
		Payment: xrechnung.Payment{IBAN: ag.SupplierIBAN, AccountName: supplier.Name, Terms: "Zahlbar innerhalb von 30 Tagen ohne Abzug."},
	}
	if xrechnung.LooksLikeLeitwegID(ref) {
		inv.Buyer.EndpointID, inv.Buyer.EndpointScheme = ref, "0204"
	}
	for _, l := range c.Lines {
		inv.Lines = append(inv.Lines, xrechnung.Line{ID: strconv.Itoa(l.No), SellerItemID: l.SupplierPID, ItemName: l.Description,
			Quantity: xrechnung.AmountOf(xrechnung.DecimalFromInt(l.Quantity), 0), UnitCode: unitCode(l.Unit),
			NetPrice: xrechnung.AmountOf(e4Decimal(l.PriceE4), 2+extraPlaces(l.PriceE4)), VATCategory: vatCategory(l.VATRate),
			VATRate: xrechnung.MustAmount(vatPercent(l.VATRate))})
	}
	return inv
}

// extraPlaces keeps a unit price's third and fourth decimal when it has them.
func extraPlaces(e4 int64) int {
	switch {
	case e4%100 == 0:
		return 0
	case e4%10 == 0:
		return 1
	}
	return 2
}

// Invoice generates the XRechnung (UBL) of a confirmed call-off on the
// supplier's behalf; the supplier and the office may download it.
func (s *Service) Invoice(ctx context.Context, a *auth.Actor, id string) (string, []byte, error) {
	v := viewerOf(a, auth.ViewCallOffs)
	if !v.all && !v.supplier {
		return "", nil, errs.ErrForbidden
	}
	c, err := s.store.CallOff(ctx, s.db, v, id)
	if err != nil {
		return "", nil, err
	}
	return s.generate(ctx, c)
}

func (s *Service) generate(ctx context.Context, c CallOff) (string, []byte, error) {
	if !c.Status.Billable() {
		return "", nil, errs.E(errs.Conflict, "invoice.error.not_billable")
	}
	ag, err := s.store.Agreement(ctx, s.db, viewer{all: true}, c.AgreementID)
	if err != nil {
		return "", nil, err
	}
	orgs, err := s.dir.OrganisationsByID(ctx, []string{ag.SupplierOrgID, c.OrgID})
	if err != nil {
		return "", nil, err
	}
	issued := c.CreatedAt
	if c.DecidedAt != nil {
		issued = *c.DecidedAt
	}
	inv := buildInvoice(ag, c, orgs[ag.SupplierOrgID], orgs[c.OrgID], issued)
	out, err := xrechnung.GenerateUBL(inv)
	var xe *xrechnung.Error
	if errors.As(err, &xe) {
		return "", nil, errs.E(errs.Conflict, "invoice.error.generate", xrechnung.Message(xe.Code, "de", xe.Field, "", xe.Args...))
	}
	return inv.Number + ".xml", out, err
}

// BillableCallOffs lists every call-off that can be invoiced (for the
// export command).
func (s *Service) BillableCallOffs(ctx context.Context) ([]CallOff, error) {
	list, err := s.store.CallOffs(ctx, s.db, viewer{all: true}, CallOffFilter{Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, c := range list {
		if c.Status.Billable() {
			out = append(out, c)
		}
	}
	return out, nil
}

// GenerateInvoice is Invoice for kopit's own work (the export command).
func (s *Service) GenerateInvoice(ctx context.Context, callOffID string) (string, []byte, error) {
	c, err := s.store.CallOff(ctx, s.db, viewer{all: true}, callOffID)
	if err != nil {
		return "", nil, err
	}
	return s.generate(ctx, c)
}

// MaxInvoiceBytes bounds an uploaded invoice.
const MaxInvoiceBytes = xrechnung.MaxSize

// UploadInvoice takes a supplier's XRechnung (UBL or CII) for a call-off of
// its own agreements: it is parsed, checked (totals, VAT, buyer reference)
// and matched line by line against the call-off; the findings are stored
// with the document. A file that is not an e-invoice is refused and nothing
// is stored.
func (s *Service) UploadInvoice(ctx context.Context, a *auth.Actor, callOffID string, r io.Reader) (InvoiceRecord, error) {
	c, err := s.supplierCallOff(ctx, a, callOffID)
	if err != nil {
		return InvoiceRecord{}, err
	}
	if !c.Status.Billable() {
		return InvoiceRecord{}, errs.E(errs.Conflict, "invoice.error.not_billable")
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxInvoiceBytes+1))
	if err != nil {
		return InvoiceRecord{}, err
	}
	if len(raw) == 0 {
		return InvoiceRecord{}, errs.Field("file", "invoice.error.empty")
	}
	inv, err := xrechnung.Parse(bytes.NewReader(raw))
	if err != nil {
		var xe *xrechnung.Error
		if errors.As(err, &xe) {
			return InvoiceRecord{}, errs.FieldWith("file", "invoice.error.parse", xrechnung.Message(xe.Code, a.Lang, xe.Field, "", xe.Args...))
		}
		return InvoiceRecord{}, err
	}
	findings := append(xrechnung.Check(inv), xrechnung.Match(order(c), inv)...)
	if findings == nil {
		findings = []xrechnung.Finding{}
	}
	rec := InvoiceRecord{ID: id.New(), Number: trimmed(inv.Number, 100), Syntax: string(inv.Syntax), Payable: inv.Totals.Payable.Text,
		Findings: findings, UploadedAt: s.clock.Now()}
	js, _ := json.Marshal(findings)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calloff_invoices (id, calloff_id, number, syntax, payable, findings, document, uploaded_by, uploaded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.ID, c.ID, rec.Number, rec.Syntax, rec.Payable, string(js), raw, a.UserID, rec.UploadedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, rec.UploadedAt, a, c.OrgID, "invoice.uploaded", "calloff", c.ID, map[string]any{
			"number": rec.Number, "syntax": rec.Syntax, "payable": rec.Payable, "findings": len(findings)})
	})
	return rec, err
}
