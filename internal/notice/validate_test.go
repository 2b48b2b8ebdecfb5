package notice

import (
	"errors"
	"testing"
	"time"
)

func TestValidation(t *testing.T) {
	type notice int
	const (
		pin notice = iota
		cn
		can
	)
	tests := []struct {
		name   string
		notice notice
		change func(p *Procedure, a *Award)
		field  string
		code   string
	}{
		{"missing title", cn, func(p *Procedure, _ *Award) { p.Title = "  " }, "Title", CodeRequired},
		{"control character in title", cn, func(p *Procedure, _ *Award) { p.Title = "Note\x07books" }, "Title", CodeFormat},
		{"invalid UTF-8", pin, func(p *Procedure, _ *Award) { p.Description = "M\xfcnchen" }, "Description", CodeFormat},
		{"notice id not a UUID", cn, func(p *Procedure, _ *Award) { p.NoticeID = "KOP-IT-2026-007" }, "NoticeID", CodeFormat},
		{"procedure id missing", can, func(p *Procedure, _ *Award) { p.ContractFolderID = "" }, "ContractFolderID", CodeRequired},
		{"version", cn, func(p *Procedure, _ *Award) { p.Version = "1" }, "Version", CodeFormat},
		{"language", cn, func(p *Procedure, _ *Award) { p.Language = "de" }, "Language", CodeCodeList},
		{"no issue date", pin, func(p *Procedure, _ *Award) { p.IssueDate = time.Time{} }, "IssueDate", CodeRequired},

		{"bad CPV format", cn, func(p *Procedure, _ *Award) { p.Lots[0].MainCPV = "3021310" }, "Lots[0].MainCPV", CodeFormat},
		{"CPV with letters", cn, func(p *Procedure, _ *Award) { p.MainCPV = "30200000-X" }, "MainCPV", CodeFormat},
		{"lot without CPV", pin, func(p *Procedure, _ *Award) { p.Lots[1].MainCPV = "" }, "Lots[1].MainCPV", CodeRequired},
		{"works CPV", cn, func(p *Procedure, _ *Award) { p.MainCPV = "45000000-7" }, "MainCPV", CodeMismatch},
		{"services CPV for supplies", cn, func(p *Procedure, _ *Award) { p.Lots[0].MainCPV = "72000000-5" }, "Lots[0].MainCPV", CodeMismatch},
		{"duplicate additional CPV", cn, func(p *Procedure, _ *Award) { p.Lots[0].AdditionalCPV = []string{"30213100"} }, "Lots[0].AdditionalCPV[0]", CodeDuplicate},
		{"bad additional CPV", cn, func(p *Procedure, _ *Award) { p.Lots[1].AdditionalCPV = []string{"302"} }, "Lots[1].AdditionalCPV[0]", CodeFormat},
		{"contract nature works", cn, func(p *Procedure, _ *Award) { p.ContractNature = "works" }, "ContractNature", CodeCodeList},

		{"no lots", cn, func(p *Procedure, _ *Award) { p.Lots = nil }, "Lots", CodeRequired},
		{"bad lot id", cn, func(p *Procedure, _ *Award) { p.Lots[0].ID = "Los 1" }, "Lots[0].ID", CodeFormat},
		{"duplicate lot id", cn, func(p *Procedure, _ *Award) { p.Lots[1].ID = "LOT-0001" }, "Lots[1].ID", CodeDuplicate},
		{"lot without title", pin, func(p *Procedure, _ *Award) { p.Lots[1].Title = "" }, "Lots[1].Title", CodeRequired},
		{"zero value", cn, func(p *Procedure, _ *Award) { p.Lots[0].EstimatedValue = eur(0) }, "Lots[0].EstimatedValue", CodeRange},
		{"negative value", cn, func(p *Procedure, _ *Award) { p.Lots[1].EstimatedValue = eur(-100) }, "Lots[1].EstimatedValue", CodeRange},
		{"mixed currencies", cn, func(p *Procedure, _ *Award) { p.Lots[1].EstimatedValue.Currency = "CHF" }, "Lots[1].EstimatedValue.Currency", CodeMismatch},
		{"procedure value not the sum", cn, func(p *Procedure, _ *Award) { p.EstimatedValue = eur(2_000_000_00) }, "EstimatedValue", CodeMismatch},
		{"place not NUTS 3", cn, func(p *Procedure, _ *Award) { p.Lots[0].PlaceNUTS = "DE7" }, "Lots[0].PlaceNUTS", CodeFormat},
		{"no duration without framework", cn, func(p *Procedure, _ *Award) {
			p.FrameworkAgreement, p.FrameworkMaxMonths, p.FrameworkBuyers = false, 0, ""
			p.Lots[0].FrameworkMaxValue, p.Lots[1].FrameworkMaxValue = Money{}, Money{}
			p.Lots[1].DurationMonths = 24
		}, "Lots[0].DurationMonths", CodeRequired},
		{"lot longer than framework", cn, func(p *Procedure, _ *Award) { p.Lots[0].DurationMonths = 60 }, "Lots[0].DurationMonths", CodeRange},

		{"buyer legal type", cn, func(p *Procedure, _ *Award) { p.BuyerLegalType = "eG" }, "BuyerLegalType", CodeCodeList},
		{"sector activity", cn, func(p *Procedure, _ *Award) { p.BuyerActivity = "airport" }, "BuyerActivity", CodeCodeList},
		{"buyer without e-mail", cn, func(p *Procedure, _ *Award) { p.Buyer.Email = "" }, "Buyer.Email", CodeRequired},
		{"buyer e-mail malformed", cn, func(p *Procedure, _ *Award) { p.Buyer.Email = "vergabe at kop-it" }, "Buyer.Email", CodeFormat},
		{"buyer without company id", pin, func(p *Procedure, _ *Award) { p.Buyer.CompanyID = "" }, "Buyer.CompanyID", CodeRequired},
		{"NUTS of another country", cn, func(p *Procedure, _ *Award) { p.Buyer.NUTS = "AT130" }, "Buyer.NUTS", CodeMismatch},
		{"review body without NUTS", cn, func(p *Procedure, _ *Award) { p.ReviewBody.NUTS = "" }, "ReviewBody.NUTS", CodeRequired},
		{"review body is the buyer", cn, func(p *Procedure, _ *Award) { p.ReviewBody.ID = "ORG-0001" }, "ReviewBody.ID", CodeDuplicate},
		{"organisation id", cn, func(p *Procedure, _ *Award) { p.ReviewBody.ID = "VK" }, "ReviewBody.ID", CodeFormat},
		{"buyer URL", cn, func(p *Procedure, _ *Award) { p.Buyer.URL = "www.kop-it.example" }, "Buyer.URL", CodeFormat},

		{"framework without maximum", cn, func(p *Procedure, _ *Award) { p.Lots[0].FrameworkMaxValue = Money{} }, "Lots[0].FrameworkMaxValue", CodeRange},
		{"maximum below estimate", cn, func(p *Procedure, _ *Award) { p.Lots[1].FrameworkMaxValue = eur(500_000_00) }, "Lots[1].FrameworkMaxValue", CodeRange},
		{"maximum without framework", cn, func(p *Procedure, _ *Award) {
			p.FrameworkAgreement, p.FrameworkMaxMonths, p.FrameworkBuyers = false, 0, ""
			p.Lots[0].DurationMonths, p.Lots[1].DurationMonths = 48, 48
		}, "Lots[0].FrameworkMaxValue", CodeMismatch},
		{"framework without duration", cn, func(p *Procedure, _ *Award) { p.FrameworkMaxMonths = 0 }, "FrameworkMaxMonths", CodeRequired},
		{"framework beyond 4 years", cn, func(p *Procedure, _ *Award) { p.FrameworkMaxMonths = 60 }, "FrameworkJustification", CodeRequired},
		{"central purchasing without buyers", cn, func(p *Procedure, _ *Award) { p.FrameworkBuyers = "" }, "FrameworkBuyers", CodeRequired},

		{"procedure type for CN", cn, func(p *Procedure, _ *Award) { p.ProcedureType = "neg-wo-call" }, "ProcedureType", CodeCodeList},
		{"procedure type missing", can, func(p *Procedure, _ *Award) { p.ProcedureType = "" }, "ProcedureType", CodeRequired},
		{"no award criteria", cn, func(p *Procedure, _ *Award) { p.AwardCriteria = nil }, "AwardCriteria", CodeRequired},
		{"criterion type", cn, func(p *Procedure, _ *Award) { p.AwardCriteria[0].Type = "quantity" }, "AwardCriteria[0].Type", CodeCodeList},
		{"unweighted without method", cn, func(p *Procedure, _ *Award) { p.AwardMethod = "" }, "AwardMethod", CodeRequired},
		{"weights not 100", cn, func(p *Procedure, _ *Award) {
			p.AwardCriteria[0].Weight, p.AwardCriteria[1].Weight = 60, 30
		}, "AwardCriteria", CodeRange},
		{"some weights", cn, func(p *Procedure, _ *Award) { p.AwardCriteria[0].Weight = 100 }, "AwardCriteria", CodeMismatch},

		{"deadline before issue", cn, func(p *Procedure, _ *Award) { p.TenderDeadline = p.IssueDate.Add(-time.Hour) }, "TenderDeadline", CodeDate},
		{"no deadline", cn, func(p *Procedure, _ *Award) { p.TenderDeadline = time.Time{} }, "TenderDeadline", CodeRequired},
		{"opening before deadline", cn, func(p *Procedure, _ *Award) { p.OpeningDate = p.TenderDeadline.Add(-time.Minute) }, "OpeningDate", CodeDate},
		{"opening in restricted procedure", cn, func(p *Procedure, _ *Award) { p.ProcedureType = "restricted" }, "OpeningDate", CodeMismatch},
		{"no tender validity", cn, func(p *Procedure, _ *Award) { p.TenderValidityDays = 0 }, "TenderValidityDays", CodeRequired},
		{"no documents URL", cn, func(p *Procedure, _ *Award) { p.DocumentsURL = "" }, "DocumentsURL", CodeRequired},
		{"submission URL not http", cn, func(p *Procedure, _ *Award) { p.SubmissionURL = "ftp://vergabe.example" }, "SubmissionURL", CodeFormat},
		{"too many lots per tenderer", cn, func(p *Procedure, _ *Award) { p.MaxLotsPerTenderer = 3 }, "MaxLotsPerTenderer", CodeRange},
		{"prior notice reference", cn, func(p *Procedure, _ *Award) { p.PriorNotice = "PIN vom 2. März" }, "PriorNotice", CodeFormat},

		{"planned notice before issue", pin, func(p *Procedure, _ *Award) { p.PlannedNoticeDate = p.IssueDate }, "PlannedNoticeDate", CodeDate},
		{"no planned notice date", pin, func(p *Procedure, _ *Award) { p.PlannedNoticeDate = time.Time{} }, "PlannedNoticeDate", CodeRequired},

		{"lot without result", can, func(_ *Procedure, a *Award) { a.Lots = a.Lots[:1] }, "Award.Lots", CodeRequired},
		{"no results", can, func(_ *Procedure, a *Award) { a.Lots = nil }, "Award.Lots", CodeRequired},
		{"result for unknown lot", can, func(_ *Procedure, a *Award) { a.Lots[1].LotID = "LOT-0003" }, "Award.Lots[1].LotID", CodeMismatch},
		{"two results for one lot", can, func(_ *Procedure, a *Award) { a.Lots[1].LotID = "LOT-0001" }, "Award.Lots[1].LotID", CodeDuplicate},
		{"winner without size", can, func(_ *Procedure, a *Award) { a.Lots[0].Winner.Size = "" }, "Award.Lots[0].Winner.Size", CodeRequired},
		{"winner size code", can, func(_ *Procedure, a *Award) { a.Lots[0].Winner.Size = "KMU" }, "Award.Lots[0].Winner.Size", CodeCodeList},
		{"winner without name", can, func(_ *Procedure, a *Award) { a.Lots[1].Winner.Name = "" }, "Award.Lots[1].Winner.Name", CodeRequired},
		{"winner is the buyer", can, func(_ *Procedure, a *Award) { a.Lots[0].Winner.ID = "ORG-0001" }, "Award.Lots[0].Winner.ID", CodeDuplicate},
		{"one winner, two addresses", can, func(_ *Procedure, a *Award) {
			a.Lots[1].Winner = a.Lots[0].Winner
			a.Lots[1].Winner.City = "Offenbach am Main"
		}, "Award.Lots[1].Winner", CodeMismatch},
		{"zero award value", can, func(_ *Procedure, a *Award) { a.Lots[0].Value = eur(0) }, "Award.Lots[0].Value", CodeRange},
		{"no tenders", can, func(_ *Procedure, a *Award) { a.Lots[0].TendersReceived = 0 }, "Award.Lots[0].TendersReceived", CodeRange},
		{"no decision date", can, func(_ *Procedure, a *Award) { a.Lots[0].DecisionDate = time.Time{} }, "Award.Lots[0].DecisionDate", CodeRequired},
		{"concluded before decision", can, func(_ *Procedure, a *Award) {
			a.Lots[0].ConclusionDate = a.Lots[0].DecisionDate.AddDate(0, 0, -1)
		}, "Award.Lots[0].ConclusionDate", CodeDate},
		{"standstill too short", can, func(_ *Procedure, a *Award) {
			a.Lots[0].ConclusionDate = a.Lots[0].DecisionDate.AddDate(0, 0, 10)
		}, "Award.Lots[0].ConclusionDate", CodeDate},
		{"concluded after the notice", can, func(p *Procedure, a *Award) {
			a.Lots[1].ConclusionDate = p.IssueDate.AddDate(0, 0, 1)
		}, "Award.Lots[1].ConclusionDate", CodeDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a := canProcedure()
			if tt.notice == pin {
				p = pinProcedure()
			} else if tt.notice == cn {
				p = hessianProcedure()
			}
			tt.change(&p, &a)
			var (
				out []byte
				err error
			)
			switch tt.notice {
			case pin:
				out, err = PriorInformationNotice(p)
			case cn:
				out, err = ContractNotice(p)
			case can:
				out, err = ContractAwardNotice(p, a)
			}
			if out != nil {
				t.Error("a notice was written despite the error")
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			fe, ok := ve.Field(tt.field)
			if !ok {
				t.Fatalf("no error for %s; got: %v", tt.field, err)
			}
			if fe.Code != tt.code {
				t.Errorf("%s: code %q, want %q (%s)", tt.field, fe.Code, tt.code, fe.Message)
			}
		})
	}
}

// TestValidVariants covers inputs that must pass: the other procedure types,
// weighted criteria, no framework agreement, a CPV code without check digit.
func TestValidVariants(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *Procedure)
	}{
		{"restricted procedure", func(p *Procedure) { p.ProcedureType, p.OpeningDate = "restricted", time.Time{} }},
		{"negotiated with call", func(p *Procedure) { p.ProcedureType, p.OpeningDate = "neg-w-call", time.Time{} }},
		{"weighted criteria", func(p *Procedure) {
			p.AwardCriteria[0].Weight, p.AwardCriteria[1].Weight, p.AwardMethod = 40, 60, ""
		}},
		{"no framework agreement", func(p *Procedure) {
			p.FrameworkAgreement, p.FrameworkMaxMonths, p.FrameworkBuyers = false, 0, ""
			for i := range p.Lots {
				p.Lots[i].FrameworkMaxValue, p.Lots[i].DurationMonths = Money{}, 36
			}
		}},
		{"framework with reopening and justification", func(p *Procedure) {
			p.FrameworkReopening, p.FrameworkMaxMonths, p.FrameworkMaxOperators = true, 60, 3
			p.FrameworkJustification = "Lebenszyklus der Geräte von fünf Jahren"
		}},
		{"CPV without check digit, explicit total", func(p *Procedure) {
			p.Lots[0].MainCPV, p.EstimatedValue = "30213100", eur(3_000_000_00)
		}},
		{"one lot, OJ S reference", func(p *Procedure) { p.Lots, p.PriorNotice = p.Lots[:1], "123456-2026" }},
		{"services", func(p *Procedure) {
			p.ContractNature, p.MainCPV = "services", "72000000-5"
			p.Lots[0].MainCPV, p.Lots[0].AdditionalCPV, p.Lots[1].MainCPV = "72500000-0", nil, "48000000-8"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := hessianProcedure()
			tt.change(&p)
			out, err := ContractNotice(p)
			if err != nil {
				t.Fatal(err)
			}
			if d := parse(t, out); len(d["ProcurementProjectLot/ID"]) != len(p.Lots) {
				t.Errorf("lots in output: %q", d["ProcurementProjectLot/ID"])
			}
		})
	}
}
