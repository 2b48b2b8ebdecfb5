package xrechnung

import (
	"errors"
	"sort"
	"strings"
)

// Check recomputes what EN 16931 and XRechnung let a receiver recompute and
// returns one finding per broken rule, in document order; no finding means
// the invoice is consistent. It checks:
//
//   - BT-1, BT-2 and BT-5 are present;
//   - the buyer reference BT-10 is present (BR-DE-15) and, when it looks like
//     a Leitweg-ID, has the right format and check digits;
//   - every line has a net amount (BT-131) and their sum is BT-106 (BR-CO-10);
//   - BT-107 and BT-108 are the sums of the document level allowances and
//     charges (BR-CO-11, BR-CO-12);
//   - BT-109 = BT-106 − BT-107 + BT-108 (BR-CO-13);
//   - per VAT category and rate, the taxable amount BT-116 is the lines minus
//     allowances plus charges of that category, and the tax BT-117 is
//     BT-116 × BT-119 / 100 rounded to the cent, halves away from zero
//     (BR-CO-17; exact to the cent, stricter than the CEN schematron, which
//     lets the tax differ by up to one currency unit);
//   - BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15) and
//     BT-115 = BT-112 − BT-113 + BT-114 (BR-CO-16).
//
// Lines are checked too: BT-131 = BT-129 × BT-146 / BT-149 − line
// allowances (BT-136) + line charges (BT-141), rounded to the cent.
//
// Amounts are compared exactly after rounding the computed value to the
// cent; the stated amount is never rounded.
func Check(inv *Invoice) []Finding {
	var fs []Finding
	add := func(code Code, field, line string, args ...string) {
		fs = append(fs, Finding{Code: code, Field: field, Line: line, Args: args})
	}
	for _, req := range []struct{ field, v string }{{"BT-1", inv.Number}, {"BT-2", inv.IssueDate}, {"BT-5", inv.Currency}} {
		if req.v == "" {
			add(CodeMissingData, req.field, "")
		}
	}
	switch {
	case inv.BuyerReference == "":
		add(CodeBuyerReferenceMissing, "BT-10", "")
	case LooksLikeLeitwegID(inv.BuyerReference):
		var e *Error
		if errors.As(ValidateLeitwegID(inv.BuyerReference), &e) {
			add(e.Code, e.Field, "", e.Args...)
		}
	}

	t := inv.Totals
	// compare reports a mismatch between a computed and a stated amount; a
	// missing stated amount is a finding of its own.
	compare := func(code Code, field string, computed Decimal, stated Amount) {
		if !stated.Present() {
			add(CodeAmountMissing, field, "")
			return
		}
		if !computed.Round(2).Equal(stated.Value) {
			add(code, field, "", computed.Fixed(2), stated.Text)
		}
	}

	// Lines and the groups of the VAT breakdown they fall into.
	type group struct {
		category, rate string
		taxable        Decimal
	}
	groups := map[string]*group{}
	var order []string
	groupOf := func(category string, rate Amount) *group {
		c := strings.ToUpper(category)
		r := "0"
		if rate.Present() {
			r = rate.Value.String()
		}
		k := c + " " + r
		g, ok := groups[k]
		if !ok {
			g = &group{category: c, rate: r}
			groups[k] = g
			order = append(order, k)
		}
		return g
	}
	var lineSum Decimal
	for _, l := range inv.Lines {
		if !l.NetAmount.Present() {
			add(CodeAmountMissing, "BT-131", l.ID)
			continue
		}
		if net, ok := LineNet(l); ok && !net.Round(2).Equal(l.NetAmount.Value) {
			add(CodeLineNet, "BT-131", l.ID, net.Fixed(2), l.NetAmount.Text)
		}
		lineSum = lineSum.Add(l.NetAmount.Value)
		g := groupOf(l.VATCategory, l.VATRate)
		g.taxable = g.taxable.Add(l.NetAmount.Value)
	}
	compare(CodeLineTotal, "BT-106", lineSum, t.LineTotal)

	var allowances, charges Decimal
	var hasAllowance, hasCharge bool
	for _, ac := range inv.AllowanceCharges {
		g := groupOf(ac.VATCategory, ac.VATRate)
		if ac.Charge {
			hasCharge = true
			charges = charges.Add(ac.Amount.Value)
			g.taxable = g.taxable.Add(ac.Amount.Value)
		} else {
			hasAllowance = true
			allowances = allowances.Add(ac.Amount.Value)
			g.taxable = g.taxable.Sub(ac.Amount.Value)
		}
	}
	if hasAllowance || t.AllowanceTotal.Present() {
		compare(CodeAllowanceTotal, "BT-107", allowances, t.AllowanceTotal)
	}
	if hasCharge || t.ChargeTotal.Present() {
		compare(CodeChargeTotal, "BT-108", charges, t.ChargeTotal)
	}
	// BT-109 as BR-CO-13 defines it: Σ BT-131 − BT-107 + BT-108, with the
	// stated allowance and charge totals, so that one wrong total gives one
	// finding, not a cascade.
	stated := func(a Amount, fallback Decimal) Decimal {
		if a.Present() {
			return a.Value
		}
		return fallback
	}
	compare(CodeTaxExclusive, "BT-109",
		lineSum.Sub(stated(t.AllowanceTotal, allowances)).Add(stated(t.ChargeTotal, charges)), t.TaxExclusive)

	// The VAT breakdown.
	var taxSum Decimal
	seen := map[string]bool{}
	for _, v := range inv.VAT {
		rate := "0"
		if v.Rate.Present() {
			rate = v.Rate.Value.String()
		}
		cat := strings.ToUpper(v.Category)
		seen[cat+" "+rate] = true
		if !v.TaxableAmount.Present() {
			add(CodeAmountMissing, "BT-116", "")
		}
		if !v.TaxAmount.Present() {
			add(CodeAmountMissing, "BT-117", "")
			continue
		}
		taxSum = taxSum.Add(v.TaxAmount.Value)
		if g, ok := groups[cat+" "+rate]; ok && v.TaxableAmount.Present() && !g.taxable.Round(2).Equal(v.TaxableAmount.Value) {
			add(CodeVATTaxable, "BT-116", "", cat, rate, g.taxable.Fixed(2), v.TaxableAmount.Text)
		}
		want := v.TaxableAmount.Value.Percent(v.Rate.Value).Round(2)
		if v.TaxableAmount.Present() && !want.Equal(v.TaxAmount.Value) {
			add(CodeVATTax, "BT-117", "", cat, rate, want.Fixed(2), v.TaxAmount.Text)
		}
	}
	var missing []string
	for _, k := range order {
		if !seen[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		g := groups[k]
		add(CodeVATBreakdownMissing, "BG-23", "", g.category, g.rate)
	}
	if t.Tax.Present() || !taxSum.IsZero() {
		compare(CodeTaxTotal, "BT-110", taxSum, t.Tax)
	}
	// A missing BT-109 or BT-112 was reported above; the totals built on it
	// are then only checked for presence.
	if t.TaxExclusive.Present() {
		compare(CodeTaxInclusive, "BT-112", t.TaxExclusive.Value.Add(stated(t.Tax, taxSum)), t.TaxInclusive)
	} else if !t.TaxInclusive.Present() {
		add(CodeAmountMissing, "BT-112", "")
	}
	if t.TaxInclusive.Present() {
		compare(CodePayable, "BT-115", t.TaxInclusive.Value.Sub(t.Prepaid.Value).Add(t.Rounding.Value), t.Payable)
	} else if !t.Payable.Present() {
		add(CodeAmountMissing, "BT-115", "")
	}
	return fs
}

// LineNet computes a line's net amount (BT-131) from its quantity (BT-129),
// net price (BT-146), base quantity (BT-149, 1 when absent) and the line's
// allowances and charges, unrounded. It reports false when the quantity or
// the price is missing or the base quantity is not positive.
func LineNet(l Line) (Decimal, bool) {
	if !l.Quantity.Present() || !l.NetPrice.Present() {
		return Decimal{}, false
	}
	net := l.Quantity.Value.Mul(l.NetPrice.Value)
	if l.BaseQuantity.Present() {
		if l.BaseQuantity.Value.Sign() <= 0 {
			return Decimal{}, false
		}
		net = net.Quo(l.BaseQuantity.Value)
	}
	for _, ac := range l.AllowanceCharges {
		if ac.Charge {
			net = net.Add(ac.Amount.Value)
		} else {
			net = net.Sub(ac.Amount.Value)
		}
	}
	return net, true
}
