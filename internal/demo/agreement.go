package demo

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"kopit/internal/agreement"
	"kopit/internal/catalog/bmecat"
	"kopit/internal/member"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/clock"
	"kopit/internal/xrechnung"
)

// Demo framework agreements: notebooks and accessories with Rhein-Main
// Systemhaus (a generated BMEcat catalogue) for HZD and ekom21, and monitors
// with HessenNet (a small CSV catalogue) for HZD only.
const (
	demoAgreementNotebooks = "RV-2026-001"
	demoAgreementMonitors  = "RV-2026-002"
)

const monitorCSV = "Artikelnummer;GTIN;Kurzbeschreibung;Langbeschreibung;Einheit;Preis;MwSt;CPV;Hersteller\n" +
	"MON-24-FHD;4006381333931;Monitor 24 Zoll Full HD;IPS-Panel, höhenverstellbar, USB-C mit 65 W;Stück;149,00;19;30231310-3;Eizo\n" +
	"MON-27-QHD;4012345000016;Monitor 27 Zoll QHD;IPS-Panel, USB-C-Dockingfunktion, Netzwerkanschluss;Stück;289,50;19;30231310-3;Eizo\n" +
	"MON-34-UW;;Monitor 34 Zoll UltraWide;Gebogenes Display für Leitstellen;Stück;549,00;19;30231310-3;Dell\n" +
	"ARM-DUO;;Monitorarm für zwei Monitore;Tischklemme, bis 2 × 9 kg;Stück;89,90;19;39130000-2;Ergotron\n"

// loadAgreements records the demo agreements through the service, imports
// their catalogues and places call-offs in every state, one of them with an
// uploaded invoice. It is skipped when the first agreement exists.
func loadAgreements(ctx context.Context, members *member.Service, svc *agreement.Service, now time.Time) error {
	actor := func(email string) (*auth.Actor, error) { return actorOf(ctx, members, email) }
	pm, err := actor("vergabe@kop-it.example")
	if err != nil {
		return err
	}
	existing, err := svc.Agreements(ctx, pm)
	if err != nil {
		return err
	}
	for _, a := range existing {
		if a.Reference == demoAgreementNotebooks {
			return nil
		}
	}
	orgID := func(name string) (string, error) {
		o, err := members.Store().OrganisationByName(ctx, svc.DB(), name)
		return o.ID, err
	}
	hzd, err := orgID("Hessische Zentrale für Datenverarbeitung")
	if err != nil {
		return err
	}
	ekom, err := orgID("ekom21 – KGRZ Hessen")
	if err != nil {
		return err
	}
	rms, err := orgID("Rhein-Main Systemhaus GmbH")
	if err != nil {
		return err
	}
	hessenNet, err := orgID("HessenNet IT-Services GmbH")
	if err != nil {
		return err
	}
	day := func(t time.Time) string { return t.In(clock.Berlin).Format("2006-01-02") }
	notebooks, err := svc.CreateAgreement(ctx, pm, agreement.AgreementInput{Reference: demoAgreementNotebooks,
		Title: "Notebooks, Monitore und Zubehör (Los 1)", SupplierOrgID: rms, StartsOn: day(now.AddDate(0, -6, 0)),
		EndsOn: day(now.AddDate(3, 6, 0)), Max: "1500000", ContactName: "Jana Vogt", ContactEmail: "rahmenvertrag@rms.example",
		ContactPhone: "+49 69 4711 0", VATID: "DE811234567", IBAN: "DE89370400440532013000",
		Notes:     "Rahmenvertrag nach § 21 VgV; Höchstmenge nach EuGH C-23/20.",
		MemberMax: map[string]string{hzd: "600000", ekom: "400000"}})
	if err != nil {
		return fmt.Errorf("agreement %s: %w", demoAgreementNotebooks, err)
	}
	monitors, err := svc.CreateAgreement(ctx, pm, agreement.AgreementInput{Reference: demoAgreementMonitors,
		Title: "Monitore für Leitstellen (Los 2)", SupplierOrgID: hessenNet, StartsOn: day(now.AddDate(0, -2, 0)),
		EndsOn: day(now.AddDate(2, 0, 0)), Max: "120000", ContactName: "Paul Berger", ContactEmail: "auftrag@hessennet.example",
		ContactPhone: "+49 641 9876 0", VATID: "DE298765432", IBAN: "DE02120300000000202051",
		MemberMax: map[string]string{hzd: "80000"}})
	if err != nil {
		return fmt.Errorf("agreement %s: %w", demoAgreementMonitors, err)
	}

	var cat bytes.Buffer
	if err := bmecat.Generate(&cat, "2005", 400, 2026); err != nil {
		return err
	}
	rmsUser, err := actor("vertrieb@rms.example")
	if err != nil {
		return err
	}
	if rep, err := svc.ImportCatalogue(ctx, rmsUser, notebooks.ID, "rms-katalog-2026.xml", &cat); err != nil || rep.Fatal != nil {
		return fmt.Errorf("demo catalogue: %v %v", err, rep.Fatal)
	}
	if rep, err := svc.ImportCatalogue(ctx, pm, monitors.ID, "hessennet-monitore.csv", strings.NewReader(monitorCSV)); err != nil || rep.Fatal != nil {
		return fmt.Errorf("demo catalogue: %v %v", err, rep.Fatal)
	}

	// HZD needs a second approval above 25,000 € and bills to its Leitweg-ID.
	hzdAdmin, err := actor("admin@hzd.example")
	if err != nil {
		return err
	}
	if _, err := svc.SaveSettings(ctx, hzdAdmin, "25000", "06411000-HZD01-"+xrechnung.LeitwegCheckDigits("06411000HZD01")); err != nil {
		return err
	}
	buyer, err := actor("einkauf@hzd.example")
	if err != nil {
		return err
	}
	hits, err := svc.Search(ctx, buyer, agreement.Query{AgreementID: notebooks.ID, Sort: agreement.SortPriceAsc, Limit: 20})
	if err != nil {
		return err
	}
	if len(hits.Items) < 8 {
		return fmt.Errorf("demo catalogue: %d items found", len(hits.Items))
	}
	place := func(item agreement.Item, qty string, note string) (agreement.CallOff, error) {
		return svc.Submit(ctx, buyer, agreement.OrderInput{AgreementID: item.AgreementID,
			DeliveryAddress: "HZD, Mainzer Straße 29, 65185 Wiesbaden, Warenannahme Tor 2", CostCentre: "KST 4100 IT-Arbeitsplatz",
			Note: note, Lines: []agreement.OrderLine{{ItemID: item.ID, Quantity: qty}}})
	}
	// In the order of the states they end in.
	if _, err := place(hits.Items[0], "5", "Ersatzbedarf Außenstelle Kassel"); err != nil { // submitted
		return err
	}
	confirmed, err := place(hits.Items[1], "10", "")
	if err != nil {
		return err
	}
	partial, err := place(hits.Items[2], "20", "")
	if err != nil {
		return err
	}
	delivered, err := place(hits.Items[3], "4", "")
	if err != nil {
		return err
	}
	received, err := place(hits.Items[4], "6", "")
	if err != nil {
		return err
	}
	rejected, err := place(hits.Items[5], "2", "")
	if err != nil {
		return err
	}
	// Above the threshold: waits for the second approval; one is declined.
	dear, err := svc.Search(ctx, buyer, agreement.Query{AgreementID: notebooks.ID, Sort: agreement.SortPriceDesc, Limit: 1})
	if err != nil || len(dear.Items) == 0 {
		return fmt.Errorf("demo catalogue: %v", err)
	}
	big := dear.Items[0]
	if _, err := place(big, fmt.Sprint(25_000_00*100/big.PriceE4+1), "Rollout Landesverwaltung, Tranche 1"); err != nil {
		return err
	}
	declined, err := place(big, fmt.Sprint(25_000_00*100/big.PriceE4+2), "Doppelt erfasst")
	if err != nil {
		return err
	}
	if err := svc.Decline(ctx, hzdAdmin, declined.ID, "Doppelt erfasst; siehe vorherigen Abruf"); err != nil {
		return err
	}
	for _, c := range []agreement.CallOff{confirmed, partial, delivered, received} {
		if err := svc.Confirm(ctx, rmsUser, c.ID); err != nil {
			return err
		}
	}
	if err := svc.Reject(ctx, rmsUser, rejected.ID, "Artikel beim Hersteller abgekündigt; Nachfolger ist im Katalog."); err != nil {
		return err
	}
	if err := svc.Deliver(ctx, rmsUser, partial.ID, map[int]string{1: "12"}); err != nil {
		return err
	}
	for _, c := range []agreement.CallOff{delivered, received} {
		if err := svc.Deliver(ctx, rmsUser, c.ID, map[int]string{1: fmt.Sprint(c.Lines[0].Quantity)}); err != nil {
			return err
		}
	}
	if err := svc.Receive(ctx, buyer, received.ID); err != nil {
		return err
	}
	// The supplier sends the invoice for the received call-off: the XRechnung
	// kopit generates, uploaded and matched.
	_, doc, err := svc.Invoice(ctx, rmsUser, received.ID)
	if err != nil {
		return err
	}
	if _, err := svc.UploadInvoice(ctx, rmsUser, received.ID, bytes.NewReader(doc)); err != nil {
		return err
	}
	// And one monitor call-off, confirmed.
	mon, err := svc.Search(ctx, buyer, agreement.Query{AgreementID: monitors.ID, Text: "Monitore", Limit: 5})
	if err != nil || len(mon.Items) == 0 {
		return fmt.Errorf("demo monitors: %v (%d found)", err, len(mon.Items))
	}
	if _, err := place(mon.Items[0], "8", "Leitstelle Wiesbaden"); err != nil {
		return err
	}
	return nil
}
