package bmecat

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"kopit/internal/catalog"
	"kopit/internal/platform/money"
)

// family is a kind of IT hardware the generator writes: German short and
// long texts in several word forms (Notebook, Notebooks, des Notebooks), a
// real CPV 2008 code and a price range in cents.
type family struct {
	prefix, cpv  string
	minC, maxC   int64
	shorts       []string
	longs        []string
	manufacturer []string
}

var families = []family{
	{"NB", "30213100-6", 54900, 189900,
		[]string{"Notebook %d Zoll, %d GB RAM, %d GB SSD", "Business-Notebook %d\", %d GB Arbeitsspeicher, %d GB SSD", "Laptop %d Zoll mit %d GB RAM und %d GB SSD"},
		[]string{"Leichtes Notebook für den mobilen Arbeitsplatz in der Verwaltung. Das Gehäuse des Notebooks ist aus Aluminium, die Tastatur ist spritzwassergeschützt.", "Notebooks dieser Serie werden mit Windows 11 Pro und drei Jahren Vor-Ort-Service geliefert; Akkulaufzeit bis zu zwölf Stunden."},
		[]string{"Lenovo", "HP", "Dell", "Fujitsu"}},
	{"MON", "30231300-0", 12900, 69900,
		[]string{"Monitor %d Zoll, IPS, %d Hz, USB-C %d W", "Bildschirm %d\", %d Hz, USB-C mit %d W Ladeleistung", "Flachbildschirm %d Zoll, %d Hz, %d W USB-C"},
		[]string{"Entspiegelter Bildschirm mit höhenverstellbarem Standfuß und Pivot-Funktion. Zwei Monitore lassen sich nebeneinander ohne störenden Rahmen aufstellen.", "Der Monitor erfüllt TCO Certified; die Bildschirme werden mit HDMI- und USB-C-Kabel geliefert."},
		[]string{"Eizo", "iiyama", "Philips", "Lenovo"}},
	{"DOCK", "30237000-9", 9900, 32900,
		[]string{"Dockingstation USB-C, %d Monitore, %d x USB, %d W", "USB-C-Dock für %d Bildschirme, %d USB-Anschlüsse, %d W", "Docking-Station Thunderbolt, %d Displays, %d Ports, %d W"},
		[]string{"Universelle Dockingstation für Notebooks aller Hersteller mit Gigabit-LAN und Kartenleser.", "Die Dockingstationen laden das Notebook über ein einziges Kabel und schließen bis zu drei Monitore an."},
		[]string{"Dell", "HP", "Lenovo", "StarTech"}},
	{"KAB", "30237200-1", 399, 4999,
		[]string{"HDMI-Kabel %d m, %dK, %d Stecker", "USB-C-Kabel %d m, %d Gbit/s, %d W", "DisplayPort-Kabel %d m, %dK, %d Hz"},
		[]string{"Geschirmtes Kabel mit vergoldeten Steckern; die Kabel sind einzeln verpackt und beschriftet.", "Verbindungskabel für Monitore und Dockingstationen, halogenfrei."},
		[]string{"Delock", "Goobay", "Lindy", "StarTech"}},
	{"NET", "32421000-0", 199, 8999,
		[]string{"Netzwerkkabel Cat. 6a, %d m, %d MHz, %d-fach geschirmt", "Patchkabel Cat. 6a S/FTP, %d m, %d MHz, %d Stück", "LAN-Kabel %d m, %d MHz, Knickschutz %d"},
		[]string{"Patchkabel für strukturierte Verkabelung im Büro; Netzwerkkabel in verschiedenen Längen und Farben.", "Kupferkabel mit Rastnasenschutz, geprüft nach ISO/IEC 11801."},
		[]string{"Telegärtner", "Rutenbeck", "Lindy", "Digitus"}},
	{"TAST", "30237460-1", 1490, 12900,
		[]string{"Tastatur USB, deutsches Layout, %d Tasten, %d Jahre Garantie, Modell %d", "Funktastatur, QWERTZ, %d Tasten, %d Jahre, Serie %d", "Ergonomische Tastatur %d Tasten, %d Zonen, Typ %d"},
		[]string{"Flache, geräuscharme Tastatur mit deutscher Tastenbelegung; Tastaturen dieser Serie sind desinfizierbar.", "Kabelgebundene Tastatur mit Ziffernblock für Büroarbeitsplätze."},
		[]string{"Cherry", "Logitech", "Fujitsu", "HP"}},
	{"MAUS", "30237410-6", 790, 8900,
		[]string{"Maus optisch, %d dpi, %d Tasten, Modell %d", "Funkmaus, %d dpi, %d Tasten, Serie %d", "Ergonomische Maus %d dpi, %d Tasten, Typ %d"},
		[]string{"Optische Maus für Rechts- und Linkshänder; Mäuse dieser Serie arbeiten auf fast allen Oberflächen.", "Kabellose Maus mit USB-Empfänger und Batterie."},
		[]string{"Logitech", "Cherry", "Microsoft", "HP"}},
	{"HS", "32342100-3", 2990, 24900,
		[]string{"Headset stereo, USB-C, %d Mikrofone, %d h Akku, Modell %d", "Kopfhörer mit Mikrofon, %d Mikrofone, %d Stunden, Serie %d", "Headset für Videokonferenzen, %d Mikrofone, %d h, Typ %d"},
		[]string{"Headset mit Geräuschunterdrückung, zertifiziert für gängige Konferenzsysteme; die Kopfhörer sind leicht und bequem.", "Schnurloses Headset mit Ladestation für Großraumbüros."},
		[]string{"Jabra", "Poly", "EPOS", "Logitech"}},
}

// Generate writes a deterministic BMEcat catalogue (version "1.2" or
// "2005", transaction T_NEW_CATALOG) of n IT hardware products: notebooks,
// monitors, docking stations, cables, keyboards, mice and headsets with
// German texts, valid GTINs (prefix 40–43, unique per product), real CPV
// codes, net prices with VAT 0.19, validity periods and an image each. The
// same version, n and seed give the same bytes. Tests use it, and the
// benchmark reads a million products from it.
func Generate(w io.Writer, version string, n int, seed int64) error {
	var nm names
	switch version {
	case "1.2":
		nm = names12
	case "2005":
		nm = names2005
	default:
		return fmt.Errorf("bmecat: Generate: version %q, want 1.2 or 2005", version)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6b6f706974))
	ns := "http://www.bmecat.org/bmecat/1.2/bmecat_new_catalog"
	if version == "2005" {
		ns = "http://www.bmecat.org/bmecat/2005"
	}
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<BMECAT version="%s" xmlns="%s">
  <HEADER>
    <CATALOG>
      <LANGUAGE>deu</LANGUAGE>
      <CATALOG_ID>GEN-%d</CATALOG_ID>
      <CATALOG_VERSION>001.000</CATALOG_VERSION>
      <CATALOG_NAME>Generierter Hardware-Katalog</CATALOG_NAME>
      <CURRENCY>EUR</CURRENCY>
      <MIME_ROOT>https://bilder.example/</MIME_ROOT>
    </CATALOG>
    <SUPPLIER>
      <SUPPLIER_ID type="supplier_specific">GEN-LIEFERANT</SUPPLIER_ID>
      <SUPPLIER_NAME>Beispiel IT-Handel GmbH</SUPPLIER_NAME>
    </SUPPLIER>
  </HEADER>
  <T_NEW_CATALOG>
`, version, ns, seed)
	gtinOpen, gtinClose := "<EAN>", "</EAN>"
	if version == "2005" {
		gtinOpen, gtinClose = `<INTERNATIONAL_PID type="gtin">`, "</INTERNATIONAL_PID>"
	}
	for i := range n {
		f := families[rng.IntN(len(families))]
		id := f.prefix + "-" + strconv.Itoa(100000+i)
		short := fmt.Sprintf(f.shorts[rng.IntN(len(f.shorts))], 1+rng.IntN(32), 1+rng.IntN(64), 1+rng.IntN(512))
		long := f.longs[rng.IntN(len(f.longs))] + " " + f.longs[rng.IntN(len(f.longs))]
		gtin := GTIN(i)
		cents := f.minC + rng.Int64N(f.maxC-f.minC+1)
		price := money.PlainE4(cents * 100)
		fmt.Fprintf(bw, "    <%s>\n      <%s>%s</%s>\n      <%s>\n        <DESCRIPTION_SHORT>", nm.product, nm.id, id, nm.id, nm.details)
		xml.EscapeText(bw, []byte(short))
		bw.WriteString("</DESCRIPTION_SHORT>\n        <DESCRIPTION_LONG>")
		xml.EscapeText(bw, []byte(long))
		fmt.Fprintf(bw, "</DESCRIPTION_LONG>\n        %s%s%s\n", gtinOpen, gtin, gtinClose)
		fmt.Fprintf(bw, "        <%s>%s-%04d</%s>\n        <MANUFACTURER_NAME>%s</MANUFACTURER_NAME>\n      </%s>\n",
			nm.manufacturerPID, f.prefix, rng.IntN(10000), nm.manufacturerPID, f.manufacturer[rng.IntN(len(f.manufacturer))], nm.details)
		fmt.Fprintf(bw, "      <%s>\n        <REFERENCE_FEATURE_SYSTEM_NAME>CPV</REFERENCE_FEATURE_SYSTEM_NAME>\n        <REFERENCE_FEATURE_GROUP_ID>%s</REFERENCE_FEATURE_GROUP_ID>\n      </%s>\n", nm.features, f.cpv, nm.features)
		fmt.Fprintf(bw, "      <%s>\n        <ORDER_UNIT>C62</ORDER_UNIT>\n        <CONTENT_UNIT>C62</CONTENT_UNIT>\n        <NO_CU_PER_OU>1</NO_CU_PER_OU>\n      </%s>\n", nm.orderDetails, nm.orderDetails)
		fmt.Fprintf(bw, "      <%s>\n        <DATETIME type=\"valid_start_date\"><DATE>2026-01-01</DATE></DATETIME>\n        <DATETIME type=\"valid_end_date\"><DATE>2027-12-31</DATE></DATETIME>\n", nm.priceDetails)
		fmt.Fprintf(bw, "        <%s price_type=\"net_customer\">\n          <PRICE_AMOUNT>%s</PRICE_AMOUNT>\n          <PRICE_CURRENCY>EUR</PRICE_CURRENCY>\n          <TAX>0.19</TAX>\n        </%s>\n      </%s>\n", nm.price, price, nm.price, nm.priceDetails)
		fmt.Fprintf(bw, "      <MIME_INFO>\n        <MIME>\n          <MIME_TYPE>image/jpeg</MIME_TYPE>\n          <MIME_SOURCE>%s.jpg</MIME_SOURCE>\n          <MIME_PURPOSE>normal</MIME_PURPOSE>\n        </MIME>\n      </MIME_INFO>\n    </%s>\n", id, nm.product)
	}
	bw.WriteString("  </T_NEW_CATALOG>\n</BMECAT>\n")
	return bw.Flush()
}

// GTIN returns the i-th generated GTIN-13: a GS1 Germany prefix 40–43, ten
// digits that differ for every i below 4·10¹⁰ and a valid check digit.
func GTIN(i int) string {
	const span = 10_000_000_000
	body := fmt.Sprintf("4%d%010d", (i/span)%4, (int64(i)%span)*7_777_777%span)
	return body + string(catalog.GTINCheckDigit(body))
}
