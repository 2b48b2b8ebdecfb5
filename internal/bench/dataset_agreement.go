package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"kopit/internal/agreement"
	"kopit/internal/app"
	"kopit/internal/catalog/bmecat"
	"kopit/internal/platform/money"
)

// Framework agreements of the dataset: Scale.Agreements agreements with the
// dataset's suppliers (in turn), each with its entitled members and their
// maxima, and catalogues of Scale.Catalogue items in all. The catalogues are
// BMEcat 2005 files (bmecat.Generate: German IT hardware texts in several
// word forms, CPV codes, GTINs, net prices) streamed into kopit's own
// importer, one file and one transaction per agreement, as a supplier's
// upload or `kopit import bmecat` would write them.

// ContentionMaxCents is the maximum of the agreement every member may call
// off from (agreement 0, the call-off contention's): 1,000,000.00 €. Every
// fourth member (index % 4 == 0) has an own maximum of a hundredth of it,
// the others the whole value, so that a contention run reaches both the
// members' and the agreement's limit.
const ContentionMaxCents = 100_000_000

// AgreementData is what the agreement scenarios use.
type AgreementData struct {
	IDs, Refs []string
	// Entitled lists, per agreement, the indexes (into Dataset.Members) of
	// the members entitled to call off from it.
	Entitled [][]int
	Items    []int // catalogue items per agreement
	// ImportSeconds is the time the catalogues took to import, of
	// Dataset.Took.
	ImportSeconds float64
}

// ByMember lists the agreements member m is entitled to.
func (ad *AgreementData) ByMember(m int) []int {
	var out []int
	for k, ms := range ad.Entitled {
		for _, x := range ms {
			if x == m {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// agreementThemes name the agreements' lots.
var agreementThemes = []string{"Notebooks und Dockingstationen", "Monitore und Zubehör", "Peripherie: Tastaturen, Mäuse, Headsets",
	"Kabel und Netzwerkzubehör", "Arbeitsplatz-IT komplett", "Konferenztechnik und Headsets"}

// entitledTo says whether member m may call off from agreement k: every
// member from agreement 0, about a third of them from each other.
func entitledTo(k, m int) bool { return k == 0 || (m+k)%3 == 0 }

// generateAgreements records the agreements as the procurement manager and
// imports their catalogues; step counts records for the progress line.
func generateAgreements(ctx context.Context, a *app.App, s Scale, d *Dataset, step func(n int)) error {
	if s.Agreements == 0 {
		return nil
	}
	manager, err := a.Members.Store().Actor(ctx, d.Manager.ID)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 0xa9ee))
	today := time.Now()
	ad := &AgreementData{}
	for k := 0; k < s.Agreements; k++ {
		sup := d.Suppliers[k%len(d.Suppliers)]
		in := agreement.AgreementInput{Reference: fmt.Sprintf("RV-%d-%04d", today.Year(), k+1),
			Title:         fmt.Sprintf("Rahmenvereinbarung %s, Los %d (Benchmark)", agreementThemes[k%len(agreementThemes)], 1+k/len(agreementThemes)),
			SupplierOrgID: sup.ID, StartsOn: agreement.Today(today.AddDate(-1, 0, 0)), EndsOn: agreement.Today(today.AddDate(3, 0, 0)),
			ContactName: "Auftragsannahme", ContactEmail: "auftraege@lieferant-" + strconv.Itoa(k%len(d.Suppliers)+1) + ".example",
			Notes: "Erzeugt von kopit bench.", MemberMax: map[string]string{}}
		maxCents := int64(ContentionMaxCents)
		if k > 0 {
			maxCents = (200 + rng.Int64N(3800)) * 1_000_000 // 2 to 40 million euro
		}
		in.Max = money.PlainCents(maxCents)
		var entitled []int
		for m, mem := range d.Members {
			if !entitledTo(k, m) {
				continue
			}
			own := maxCents
			switch {
			case k == 0 && m%4 == 0:
				own = ContentionMaxCents / 100
			case k > 0:
				own = min(maxCents, (50+rng.Int64N(1950))*100_000) // 50,000 to 2 million euro
			}
			in.MemberMax[mem.ID] = money.PlainCents(own)
			entitled = append(entitled, m)
		}
		if len(entitled) == 0 { // a tiny scale: the first member
			in.MemberMax[d.Members[0].ID] = money.PlainCents(maxCents)
			entitled = []int{0}
		}
		ag, err := a.Agreements.CreateAgreement(ctx, manager, in)
		if err != nil {
			return fmt.Errorf("agreement %d: %w", k+1, err)
		}
		ad.IDs, ad.Refs, ad.Entitled = append(ad.IDs, ag.ID), append(ad.Refs, ag.Reference), append(ad.Entitled, entitled)
		step(1)
	}
	start := time.Now()
	for k, ref := range ad.Refs {
		n := s.Catalogue / s.Agreements
		if k < s.Catalogue%s.Agreements {
			n++
		}
		if err := importGenerated(ctx, a, ref, n, int64(seed+k)); err != nil {
			return fmt.Errorf("catalogue of %s: %w", ref, err)
		}
		ad.Items = append(ad.Items, n)
		step(n)
	}
	ad.ImportSeconds = time.Since(start).Seconds()
	d.Agreements = ad
	return nil
}

// importGenerated streams a generated BMEcat catalogue of n products into
// the agreement through the importer; generating and importing overlap.
func importGenerated(ctx context.Context, a *app.App, ref string, n int, catalogueSeed int64) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(bmecat.Generate(pw, "2005", n, catalogueSeed)) }()
	defer pr.Close()
	rep, err := a.Agreements.ImportForOffice(ctx, ref, "katalog-"+ref+".xml", pr)
	if err != nil {
		return err
	}
	if rep.Fatal != nil {
		return fmt.Errorf("refused: %s (line %d)", rep.Fatal.Code, rep.Fatal.Line)
	}
	if rep.Created != n || rep.Rejected != 0 {
		return fmt.Errorf("%d of %d products created, %d rejected", rep.Created, n, rep.Rejected)
	}
	return nil
}

// agreementItems counts the catalogue items of the dataset's agreements.
func agreementItems(ad *AgreementData) int {
	n := 0
	for _, k := range ad.Items {
		n += k
	}
	return n
}
