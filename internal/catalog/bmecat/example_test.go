package bmecat_test

import (
	"fmt"
	"io"
	"os"

	"kopit/internal/catalog/bmecat"
	"kopit/internal/platform/money"
)

// An importer pulls products one at a time: a fatal error ends the import,
// a product with problems goes to the report as rejected.
func ExampleReader() {
	f, err := os.Open("testdata/sample-2005.xml")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	r, err := bmecat.NewReader(f, bmecat.Options{})
	if err != nil {
		fmt.Println("not imported:", err)
		return
	}
	h := r.Header()
	fmt.Println(h.Format, h.Transaction, h.CatalogID, h.CatalogVersion, "after", h.PrevVersion)
	for {
		it, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println("import stopped:", err)
			return
		}
		if it.Rejected() {
			for _, p := range it.Problems {
				fmt.Println("rejected:", p.Message("de"))
			}
			continue
		}
		p, ok := it.Price()
		if !ok {
			fmt.Printf("line %d: %s %s\n", it.Line, it.Mode, it.SupplierPID)
			continue
		}
		fmt.Printf("line %d: %s %s %s € (%s VAT) CPV %s\n", it.Line, it.Mode, it.SupplierPID, money.FormatE4(p.AmountE4, "de"), p.VAT, it.CPV)
	}
	// Output:
	// BMEcat 2005 T_UPDATE_PRODUCTS SW-ARBEITSPLATZ 002.001 after 002.000
	// line 28: new SW-TAB-11-128 519,00 € (19% VAT) CPV 30213200-7
	// line 80: update SW-TAST-DE-USB 18,75 € (19% VAT) CPV 30237460-1
	// line 100: delete SW-MAUS-PS2
}
