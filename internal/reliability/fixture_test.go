package reliability

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"kopit/internal/agreement"
	"kopit/internal/bench"
	"kopit/internal/platform/files"
)

// fixture is the cooperative the requests act on: the bench's dataset (an
// open tender with its bidders, an open secret poll with its voters present)
// and a framework agreement whose maximum is smaller than what the buyers
// call off, so the quota refuses some call-offs.
type fixture struct {
	ds        *bench.Dataset
	agreement string
	item      string // catalogue item at itemCents
	buyers    []buyer
	bidders   []string // session per bidder
	voters    []string // session per voter
	board     string   // session of the board (document uploads)
}

type buyer struct{ orgID, token string }

const (
	itemCents      = 10_000  // one call-off line: 1 × 100,00 €
	agreementCents = 600_000 // 6,000 €: 60 call-offs in all
	memberCents    = 200_000 // 2,000 € per member: 20 call-offs each
)

// fixtureScale is a small cooperative with room for rounds kill rounds of
// perRound bids and ballots each.
func fixtureScale(bidsPerRound, votesPerRound, rounds int) bench.Scale {
	s := bench.Scale{Members: 6, Suppliers: 1, Lots: 1, Items: 1, LoginUsers: 1, Tenders: 1,
		Bids: bidsPerRound * rounds, Voters: votesPerRound * rounds}
	s.Users = s.MinUsers()
	return s
}

func newFixture(t *testing.T, w *world, s bench.Scale) *fixture {
	t.Helper()
	ctx := t.Context()
	a := w.a
	ds, err := bench.Generate(ctx, a, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{ds: ds}
	session := func(email string) string {
		token, _, err := a.Auth.Login(ctx, email, bench.Password, "127.0.0.1")
		if err != nil {
			t.Fatalf("sign in %s: %v", email, err)
		}
		return token
	}
	for _, b := range ds.Tenders.Bidders {
		f.bidders = append(f.bidders, session(b.Email))
	}
	for _, v := range ds.Assembly.Voters {
		f.voters = append(f.voters, session(v.Email))
	}
	f.board = session(ds.Assembly.Board.Email)

	manager, err := a.Members.Store().Actor(ctx, ds.Manager.ID)
	if err != nil {
		t.Fatal(err)
	}
	memberMax := map[string]string{}
	for _, m := range ds.Members {
		memberMax[m.ID] = fmt.Sprintf("%d,00", memberCents/100)
	}
	ag, err := a.Agreements.CreateAgreement(ctx, manager, agreement.AgreementInput{Reference: "RV-CRASH-1", Title: "Notebooks (Absturztest)",
		SupplierOrgID: ds.Suppliers[0].ID, StartsOn: "2026-01-01", EndsOn: "2030-12-31", Max: fmt.Sprintf("%d,00", agreementCents/100),
		ContactName: "Erika Muster", ContactEmail: "erika.muster@lieferant.example", ContactPhone: "+49 6151 123456",
		VATID: "DE123456789", IBAN: "DE89 3704 0044 0532 0130 00", MemberMax: memberMax})
	if err != nil {
		t.Fatal(err)
	}
	f.agreement = ag.ID
	csv := "Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;CPV\n" +
		"NB-14;;Notebook 14 Zoll;Leichtes Notebook;Stück;100,00;19;30213100-6\n"
	rep, err := a.Agreements.ImportForOffice(ctx, ag.ID, "katalog.csv", strings.NewReader(csv))
	if err != nil || rep.Fatal != nil || rep.Created != 1 {
		t.Fatalf("catalogue import: %+v %v", rep, err)
	}
	if err := a.DB.QueryRowContext(ctx, "SELECT id FROM catalogue_items WHERE agreement_id = ?", ag.ID).Scan(&f.item); err != nil {
		t.Fatal(err)
	}
	for _, m := range ds.Members {
		actor, err := a.Members.Store().Actor(ctx, m.Buyer.ID)
		if err != nil {
			t.Fatal(err)
		}
		token, err := a.Auth.CreateAPIToken(ctx, actor, "crash test")
		if err != nil {
			t.Fatal(err)
		}
		f.buyers = append(f.buyers, buyer{orgID: m.ID, token: token})
	}
	return f
}

// referencedKeys reads every file key the database names.
func referencedKeys(ctx context.Context, t *testing.T, w *world) map[string]bool {
	t.Helper()
	keys, err := files.ReferencedKeys(ctx, w.a.DB, files.References)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}
