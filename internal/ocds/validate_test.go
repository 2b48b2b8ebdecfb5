package ocds

import (
	"testing"
	"time"
)

func TestInputErrors(t *testing.T) {
	tests := []struct {
		name   string
		stage  func(Procedure) (Release, error)
		change func(p *Procedure)
		field  string
		code   string
	}{
		{"no procedure id", TenderRelease, func(p *Procedure) { p.ID = "" }, "ID", CodeRequired},
		{"procedure id with a space", TenderRelease, func(p *Procedure) { p.ID = "KOP 2026/17" }, "ID", CodeFormat},
		{"unregistered-looking prefix", TenderRelease, func(p *Procedure) { p.OCIDPrefix = "kopit" }, "OCIDPrefix", CodeFormat},
		{"no title", TenderRelease, func(p *Procedure) { p.Title = " " }, "Title", CodeRequired},
		{"not published", TenderRelease, func(p *Procedure) { p.Published = time.Time{} }, "Published", CodeRequired},
		{"buyer without name", TenderRelease, func(p *Procedure) { p.Buyer.Name = ""; p.ProcuringEntity.Name = "" }, "Buyer.Name", CodeRequired},
		{"buyer without id", TenderRelease, func(p *Procedure) { p.Buyer.ID = "" }, "Buyer.ID", CodeRequired},
		{"bad e-mail", TenderRelease, func(p *Procedure) { p.Buyer.ContactPoint.Email = "vergabe at kop-it"; p.ProcuringEntity = p.Buyer }, "Buyer.ContactPoint.Email", CodeFormat},
		{"procuring entity differs under the buyer's id", TenderRelease, func(p *Procedure) { p.ProcuringEntity.Name = "Andere eG" }, "ProcuringEntity.ID", CodeConflict},
		{"unknown method", TenderRelease, func(p *Procedure) { p.ProcurementMethod = "offen" }, "ProcurementMethod", CodeCodeList},
		{"no method", TenderRelease, func(p *Procedure) { p.ProcurementMethod = "" }, "ProcurementMethod", CodeRequired},
		{"eForms category", TenderRelease, func(p *Procedure) { p.MainProcurementCategory = "supplies" }, "MainProcurementCategory", CodeCodeList},
		{"deprecated award criteria", TenderRelease, func(p *Procedure) { p.AwardCriteria = "bestProposal" }, "AwardCriteria", CodeCodeList},
		{"negative value", TenderRelease, func(p *Procedure) { p.Value = EUR(-1) }, "Value", CodeRange},
		{"foreign currency", TenderRelease, func(p *Procedure) { p.Value.Currency = "USD" }, "Value", CodeCodeList},
		{"negative lot value", TenderRelease, func(p *Procedure) { p.Lots[1].Value = EUR(-64_999_999) }, "Lots[1].Value", CodeRange},
		{"lot without title", TenderRelease, func(p *Procedure) { p.Lots[0].Title = "" }, "Lots[0].Title", CodeRequired},
		{"lot id twice", TenderRelease, func(p *Procedure) { p.Lots[1].ID = "lot-1" }, "Lots[1].ID", CodeDuplicate},
		{"item on a missing lot", TenderRelease, func(p *Procedure) { p.Items[2].RelatedLot = "lot-3" }, "Items[2].RelatedLot", CodeReference},
		{"item without lot", TenderRelease, func(p *Procedure) { p.Items[0].RelatedLot = "" }, "Items[0].RelatedLot", CodeRequired},
		{"item id twice", TenderRelease, func(p *Procedure) { p.Items[1].ID = "item-1" }, "Items[1].ID", CodeDuplicate},
		{"item without description", TenderRelease, func(p *Procedure) { p.Items[0].Description = "" }, "Items[0].Description", CodeRequired},
		{"bad CPV", TenderRelease, func(p *Procedure) { p.Items[0].CPV = "3021310" }, "Items[0].CPV", CodeFormat},
		{"negative quantity", TenderRelease, func(p *Procedure) { p.Items[0].Quantity = -2 }, "Items[0].Quantity", CodeRange},
		{"bad unit code", TenderRelease, func(p *Procedure) { p.Items[0].UnitCode = "Stück" }, "Items[0].UnitCode", CodeFormat},
		{"document without URL", TenderRelease, func(p *Procedure) { p.Documents[0].URL = "" }, "Documents[0].URL", CodeRequired},
		{"document on ftp", TenderRelease, func(p *Procedure) { p.Documents[1].URL = "ftp://kopit.example/u.zip" }, "Documents[1].URL", CodeFormat},
		{"unknown document type", TenderRelease, func(p *Procedure) { p.Documents[0].DocumentType = "notice" }, "Documents[0].DocumentType", CodeCodeList},
		{"bad media type", TenderRelease, func(p *Procedure) { p.Documents[0].Format = "PDF" }, "Documents[0].Format", CodeFormat},
		{"tender period backwards", TenderRelease, func(p *Procedure) { p.TenderPeriod.End = p.TenderPeriod.Start.Add(-time.Hour) }, "TenderPeriod.End", CodeDate},
		{"tenderer under the buyer's id", TenderRelease, func(p *Procedure) { p.Tenderers[0].ID = "kop-it-eg" }, "Tenderers[0].ID", CodeConflict},
		{"tenderer twice", TenderRelease, func(p *Procedure) { p.Tenderers[2] = p.Tenderers[0] }, "Tenderers[2].ID", CodeDuplicate},
		{"fewer bids than tenderers", TenderRelease, func(p *Procedure) { p.NumberOfTenderers = 2 }, "NumberOfTenderers", CodeRange},

		{"award without supplier", AwardRelease, func(p *Procedure) { p.Awards[0].SupplierIDs = nil }, "Awards[0].SupplierIDs", CodeRequired},
		{"supplier who did not bid", AwardRelease, func(p *Procedure) { p.Awards[1].SupplierIDs = []string{"org-unknown"} }, "Awards[1].SupplierIDs[0]", CodeReference},
		{"award on a missing lot", AwardRelease, func(p *Procedure) { p.Awards[1].RelatedLots = []string{"lot-9"} }, "Awards[1].RelatedLots[0]", CodeReference},
		{"award without lots", AwardRelease, func(p *Procedure) { p.Awards[0].RelatedLots = nil }, "Awards[0].RelatedLots", CodeRequired},
		{"award status", AwardRelease, func(p *Procedure) { p.Awards[0].Status = "won" }, "Awards[0].Status", CodeCodeList},
		{"negative award", AwardRelease, func(p *Procedure) { p.Awards[0].Value = EUR(-100) }, "Awards[0].Value", CodeRange},
		{"award before publication", AwardRelease, func(p *Procedure) { p.Awards[0].Date = p.Published.AddDate(0, 0, -1) }, "Awards[0].Date", CodeDate},
		{"award id twice", AwardRelease, func(p *Procedure) { p.Awards[1].ID = "award-1" }, "Awards[1].ID", CodeDuplicate},
		{"award stage before publication", AwardRelease, func(p *Procedure) {
			p.AwardDecided = p.Published.Add(-time.Hour)
			p.Awards[0].Date, p.Awards[1].Date = time.Time{}, time.Time{}
		}, "AwardDecided", CodeDate},
		{"award stage before an award", AwardRelease, func(p *Procedure) { p.AwardDecided = p.Awards[0].Date.Add(-time.Minute) }, "AwardDecided", CodeDate},
		{"no awards", AwardRelease, func(p *Procedure) { p.Awards, p.Contracts = nil, nil }, "Awards", CodeRequired},
		{"award release without date", AwardRelease, func(p *Procedure) {
			p.AwardDecided = time.Time{}
			p.Awards[0].Date, p.Awards[1].Date = time.Time{}, time.Time{}
		}, "AwardDecided", CodeRequired},

		{"contract for an unknown award", ContractRelease, func(p *Procedure) { p.Contracts[1].AwardID = "award-7" }, "Contracts[1].AwardID", CodeReference},
		{"contract without award", ContractRelease, func(p *Procedure) { p.Contracts[0].AwardID = "" }, "Contracts[0].AwardID", CodeRequired},
		{"contract for an unsuccessful award", ContractRelease, func(p *Procedure) {
			p.Awards[0].Status, p.Awards[0].SupplierIDs = "unsuccessful", nil
		}, "Contracts[0].AwardID", CodeReference},
		{"contract signed before the award", ContractRelease, func(p *Procedure) { p.Contracts[0].DateSigned = p.Awards[0].Date.Add(-time.Hour) }, "Contracts[0].DateSigned", CodeDate},
		{"contract status", ContractRelease, func(p *Procedure) { p.Contracts[0].Status = "signed" }, "Contracts[0].Status", CodeCodeList},
		{"contract period backwards", ContractRelease, func(p *Procedure) { p.Contracts[0].Period.End = p.Contracts[0].Period.Start.AddDate(-1, 0, 0) }, "Contracts[0].Period.End", CodeDate},
		{"negative contract", ContractRelease, func(p *Procedure) { p.Contracts[0].Value = EUR(-1) }, "Contracts[0].Value", CodeRange},
		{"contract id twice", ContractRelease, func(p *Procedure) { p.Contracts[1].ID = "contract-1" }, "Contracts[1].ID", CodeDuplicate},
		{"no contracts", ContractRelease, func(p *Procedure) { p.Contracts = nil }, "Contracts", CodeRequired},
		{"contract release without date", ContractRelease, func(p *Procedure) {
			p.Contracts[0].DateSigned, p.Contracts[1].DateSigned = time.Time{}, time.Time{}
		}, "ContractSigned", CodeRequired},
		{"contract stage before award stage", ContractRelease, func(p *Procedure) {
			p.ContractSigned = p.AwardDecided.Add(-time.Hour)
			p.Contracts[0].DateSigned, p.Contracts[1].DateSigned = time.Time{}, time.Time{}
		}, "ContractSigned", CodeDate},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := hessianProcedure()
			tc.change(&p)
			r, err := tc.stage(p)
			if err == nil {
				t.Fatalf("no error; made release %s", r.ID)
			}
			expectField(t, err, tc.field, tc.code)
		})
	}
}

// A stage release fails for a fault in another stage's data too: the input
// is one procedure and is valid or not as a whole.
func TestInvalidAwardBlocksTenderRelease(t *testing.T) {
	p := hessianProcedure()
	p.Awards[0].SupplierIDs = nil
	_, err := TenderRelease(p)
	expectField(t, err, "Awards[0].SupplierIDs", CodeRequired)
}

// Every problem is reported at once, not only the first.
func TestAllErrorsReported(t *testing.T) {
	p := hessianProcedure()
	p.ID = ""
	p.Lots[0].Value = EUR(-1)
	p.Contracts[0].AwardID = "nope"
	_, err := ContractRelease(p)
	expectField(t, err, "ID", CodeRequired)
	expectField(t, err, "Lots[0].Value", CodeRange)
	expectField(t, err, "Contracts[0].AwardID", CodeReference)
}

func TestValidVariants(t *testing.T) {
	for name, change := range map[string]func(p *Procedure){
		"no procuring entity": func(p *Procedure) { p.ProcuringEntity = Organization{} },
		"no lots": func(p *Procedure) {
			p.Lots = nil
			p.Awards[0].RelatedLots = nil
			p.Awards[1].RelatedLots = nil
			clearItemLots(p)
		},
		"cancelled award": func(p *Procedure) {
			p.Awards[1].Status = "cancelled"
			p.Awards[1].SupplierIDs = nil
			p.Contracts = p.Contracts[:1]
		},
		"explicit zero value":     func(p *Procedure) { p.Value = EUR(0) },
		"explicit tenderer count": func(p *Procedure) { p.NumberOfTenderers = 5 },
	} {
		t.Run(name, func(t *testing.T) {
			p := hessianProcedure()
			change(&p)
			if _, err := Releases(p); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func clearItemLots(p *Procedure) {
	for i := range p.Items {
		p.Items[i].RelatedLot = ""
	}
}
