package bench

import (
	"strings"
	"unicode"
)

// Word lists for the generated cooperative: Hessian places, common German
// names, the vocabulary of public IT procurement. Generated e-mail addresses
// use the reserved .example domain (RFC 2606).

var places = []struct{ name, postcode string }{
	{"Frankfurt am Main", "60311"}, {"Wiesbaden", "65183"}, {"Kassel", "34117"}, {"Darmstadt", "64283"},
	{"Offenbach am Main", "63065"}, {"Hanau", "63450"}, {"Gießen", "35390"}, {"Marburg", "35037"},
	{"Fulda", "36037"}, {"Rüsselsheim am Main", "65428"}, {"Bad Homburg v. d. Höhe", "61348"}, {"Wetzlar", "35578"},
	{"Oberursel (Taunus)", "61440"}, {"Rodgau", "63110"}, {"Dreieich", "63303"}, {"Bensheim", "64625"},
	{"Hofheim am Taunus", "65719"}, {"Maintal", "63477"}, {"Neu-Isenburg", "63263"}, {"Langen (Hessen)", "63225"},
	{"Limburg a. d. Lahn", "65549"}, {"Mörfelden-Walldorf", "64546"}, {"Dietzenbach", "63128"}, {"Bad Vilbel", "61118"},
	{"Viernheim", "68519"}, {"Lampertheim", "68623"}, {"Baunatal", "34225"}, {"Friedberg (Hessen)", "61169"},
	{"Mühlheim am Main", "63165"}, {"Kelkheim (Taunus)", "65779"}, {"Taunusstein", "65232"}, {"Bad Nauheim", "61231"},
	{"Griesheim", "64347"}, {"Weiterstadt", "64331"}, {"Obertshausen", "63179"}, {"Butzbach", "35510"},
	{"Idstein", "65510"}, {"Bad Hersfeld", "36251"}, {"Heppenheim", "64646"}, {"Seligenstadt", "63500"},
	{"Karben", "61184"}, {"Pfungstadt", "64319"}, {"Eschborn", "65760"}, {"Königstein im Taunus", "61462"},
	{"Groß-Gerau", "64521"}, {"Büdingen", "63654"}, {"Alsfeld", "36304"}, {"Korbach", "34497"},
	{"Eschwege", "37269"}, {"Homberg (Efze)", "34576"}, {"Lauterbach (Hessen)", "36341"}, {"Erbach (Odenwald)", "64711"},
	{"Michelstadt", "64720"}, {"Dillenburg", "35683"}, {"Herborn", "35745"}, {"Biedenkopf", "35216"},
	{"Stadtallendorf", "35260"}, {"Schwalmstadt", "34613"}, {"Fritzlar", "34560"}, {"Melsungen", "34212"},
	{"Hofgeismar", "34369"}, {"Witzenhausen", "37213"}, {"Bad Soden am Taunus", "65812"}, {"Flörsheim am Main", "65439"},
	{"Hattersheim am Main", "65795"}, {"Kronberg im Taunus", "61476"}, {"Friedrichsdorf", "61381"}, {"Usingen", "61250"},
	{"Gelnhausen", "63571"}, {"Schlüchtern", "36381"}, {"Nidda", "63667"}, {"Lich", "35423"},
	{"Grünberg", "35305"}, {"Lollar", "35457"}, {"Bad Arolsen", "34454"}, {"Frankenberg (Eder)", "35066"},
	{"Rotenburg an der Fulda", "36199"}, {"Bebra", "36179"}, {"Hünfeld", "36088"}, {"Dieburg", "64807"},
	{"Babenhausen", "64832"}, {"Groß-Umstadt", "64823"}, {"Reinheim", "64354"}, {"Ober-Ramstadt", "64372"},
}

var districts = []string{"Darmstadt-Dieburg", "Groß-Gerau", "Main-Kinzig", "Wetterau", "Lahn-Dill", "Vogelsberg",
	"Schwalm-Eder", "Waldeck-Frankenberg", "Werra-Meißner", "Hersfeld-Rotenburg", "Odenwald", "Bergstraße",
	"Rheingau-Taunus", "Hochtaunus", "Main-Taunus", "Limburg-Weilburg", "Marburg-Biedenkopf", "Gießen", "Fulda", "Kassel"}

var agencies = []string{"Statistik", "Bodenmanagement und Geoinformation", "Steuern", "Justiz", "Polizeiliche Technik",
	"Umwelt und Geologie", "Straßen- und Verkehrswesen", "Lehrkräfteakademie", "Versorgung", "Denkmalpflege",
	"Naturschutz", "Gesundheit und Pflege", "Finanzen", "Digitales", "Bauen"}

var firstNames = []string{"Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannah", "Ilias", "Jana",
	"Jonas", "Katharina", "Lea", "Lukas", "Marie", "Mehmet", "Nina", "Oliver", "Paula", "Peter", "Sabine",
	"Sebastian", "Sophie", "Stefan", "Tanja", "Thomas", "Ulrike", "Vanessa", "Wolfgang", "Yusuf", "Zoe", "Andreas",
	"Birgit", "Christian", "Daniela", "Emil", "Franziska", "Georg", "Heike", "Ines"}

var lastNames = []string{"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
	"Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun",
	"Zimmermann", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
	"Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Yılmaz", "Öztürk"}

var streets = []string{"Rathausplatz", "Marktplatz", "Hauptstraße", "Bahnhofstraße", "Schlossplatz", "Kirchgasse",
	"Am Rathaus", "Friedrich-Ebert-Straße", "Wilhelmstraße", "Ludwigstraße", "Universitätsplatz", "Europaplatz"}

var supplierWords = []string{"Systemhaus", "IT-Services", "Datenwerk", "Software", "Hardware", "Netzwerktechnik",
	"Digital", "Informatik", "Rechenzentrum", "Consulting"}

var supplierForms = []string{"GmbH", "AG", "KG", "GmbH & Co. KG", "eK"}

// lotSeeds are the lots of the benchmark's demand project: workplace IT a
// cooperative bundles every few years.
var lotSeeds = []struct {
	title string
	items []struct{ desc, unit, price string }
}{
	{"Notebooks und Zubehör", []struct{ desc, unit, price string }{
		{"Notebook 14 Zoll, 16 GB RAM, 512 GB SSD", "Stück", "899,99"}, {"USB-C-Dockingstation", "Stück", "149,95"},
		{"Notebooktasche", "Stück", "29,90"}, {"Netzteil 65 W", "Stück", "39,00"}}},
	{"Monitore", []struct{ desc, unit, price string }{
		{"Monitor 27 Zoll, WQHD, höhenverstellbar", "Stück", "234,5678"}, {"Monitor 24 Zoll, Full HD", "Stück", "149,00"},
		{"Monitorarm doppelt", "Stück", "89,50"}, {"Monitor 34 Zoll, gebogen", "Stück", "499,00"}}},
	{"Drucker und Multifunktionsgeräte", []struct{ desc, unit, price string }{
		{"Arbeitsgruppendrucker A4 s/w", "Stück", "389,00"}, {"Multifunktionsgerät A3 Farbe", "Stück", "2.450,00"},
		{"Tonerkassette schwarz", "Stück", "79,90"}, {"Wartungsvertrag je Gerät und Jahr", "Jahr", "120,00"}}},
	{"Mobilgeräte", []struct{ desc, unit, price string }{
		{"Smartphone, 128 GB, 5 Jahre Sicherheitsupdates", "Stück", "429,00"}, {"Tablet 11 Zoll", "Stück", "549,00"},
		{"Schutzhülle", "Stück", "19,99"}, {"Mobilfunk-Datentarif", "Monat", "12,5000"}}},
	{"Server und Speicher", []struct{ desc, unit, price string }{
		{"Rack-Server 2 HE, 2 CPU", "Stück", "8.900,00"}, {"Speichersystem 100 TB", "Stück", "24.500,00"},
		{"Netzwerkswitch 48 Port", "Stück", "3.200,00"}, {"Unterbrechungsfreie Stromversorgung 3 kVA", "Stück", "1.150,00"}}},
}

// slug makes an ASCII domain label from a German name: "Gießen" → "giessen".
func slug(s string) string {
	r := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ß", "ss", "ı", "i")
	s = strings.ToLower(r.Replace(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		switch {
		case c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)):
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}
