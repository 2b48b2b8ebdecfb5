package xrechnung

// Order is what an invoice is expected to bill: the confirmed call-off's
// lines and the buyer reference (Leitweg-ID) the buyer gave.
type Order struct {
	BuyerReference string // empty: not compared
	Lines          []OrderLine
}

// OrderLine is one ordered item.
type OrderLine struct {
	SellerItemID string  // the supplier's article number, BT-155 on the invoice
	Quantity     Decimal // in the unit of the invoice line
	NetPrice     Decimal // net price per unit (BT-146 / BT-149)
	VATRate      Decimal // percent
}

// Match compares an invoice with the order it bills and returns the
// differences: the buyer reference, items ordered more than once, and per
// item (matched by seller item id) a missing line, an unexpected line, a
// different quantity (the sum over the invoice lines of the item), a
// different unit net price (BT-146 divided by the base quantity BT-149) or a
// different VAT rate. Numbers are compared exactly ("19" equals "19.00").
// Findings come in a fixed order: buyer reference and duplicate items, then
// unexpected lines, prices and VAT rates in invoice line order, then
// quantities per item (at the item's first line), then items missing from
// the invoice in the order's order.
func Match(order Order, inv *Invoice) []Finding {
	var fs []Finding
	add := func(code Code, field, line string, args ...string) {
		fs = append(fs, Finding{Code: code, Field: field, Line: line, Args: args})
	}
	if order.BuyerReference != "" && order.BuyerReference != inv.BuyerReference {
		add(CodeMatchBuyerReference, "BT-10", "", order.BuyerReference, inv.BuyerReference)
	}
	ordered := map[string]OrderLine{}
	for _, ol := range order.Lines {
		if _, dup := ordered[ol.SellerItemID]; dup {
			add(CodeMatchDuplicateItem, "BT-155", "", ol.SellerItemID)
			continue
		}
		ordered[ol.SellerItemID] = ol
	}
	invoiced := map[string]Decimal{}
	firstLine := map[string]string{}
	var items []string
	for _, l := range inv.Lines {
		ol, ok := ordered[l.SellerItemID]
		if !ok {
			add(CodeMatchUnexpectedLine, "BT-155", l.ID, l.SellerItemID)
			continue
		}
		if _, seen := firstLine[l.SellerItemID]; !seen {
			firstLine[l.SellerItemID] = l.ID
			items = append(items, l.SellerItemID)
		}
		invoiced[l.SellerItemID] = invoiced[l.SellerItemID].Add(l.Quantity.Value)
		price := l.NetPrice.Value
		if l.BaseQuantity.Present() && l.BaseQuantity.Value.Sign() > 0 {
			price = price.Quo(l.BaseQuantity.Value)
		}
		if !price.Equal(ol.NetPrice) {
			add(CodeMatchPrice, "BT-146", l.ID, l.SellerItemID, ol.NetPrice.String(), price.String())
		}
		if !l.VATRate.Value.Equal(ol.VATRate) {
			add(CodeMatchVATRate, "BT-152", l.ID, l.SellerItemID, ol.VATRate.String(), l.VATRate.Value.String())
		}
	}
	for _, id := range items {
		if q := invoiced[id]; !q.Equal(ordered[id].Quantity) {
			add(CodeMatchQuantity, "BT-129", firstLine[id], id, ordered[id].Quantity.String(), q.String())
		}
	}
	done := map[string]bool{}
	for _, ol := range order.Lines {
		if _, ok := firstLine[ol.SellerItemID]; !ok && !done[ol.SellerItemID] {
			add(CodeMatchMissingLine, "BT-155", "", ol.SellerItemID)
		}
		done[ol.SellerItemID] = true
	}
	return fs
}
