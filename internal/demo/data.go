package demo

// The demo cooperative: the office, the three founding members of KOP-IT eG
// (18 June 2015, Wiesbaden), further Hessian public bodies and five fictitious
// suppliers. Addresses of public bodies are their public seats; e-mail
// addresses use the reserved .example domain (RFC 2606).

type orgSeed struct {
	kind, name, short, street, postcode, city, joined string
	number, shares                                    int
	domain, nuts, register, size                      string
}

var office = orgSeed{kind: "office", name: "KOP-IT eG – Geschäftsstelle", short: "KOP-IT", street: "Mainzer Straße 29",
	postcode: "65185", city: "Wiesbaden", domain: "kop-it.example", nuts: "DE714",
	// A fictitious register entry: the demo's office is not the real KOP-IT eG.
	register: "GnR 9999, Amtsgericht Wiesbaden"}

// founders are the three founding members; every one of them gets a member
// administrator, a buyer and a representative.
var founders = []orgSeed{
	{kind: "state_agency", name: "Hessische Zentrale für Datenverarbeitung", short: "HZD", street: "Mainzer Straße 29",
		postcode: "65185", city: "Wiesbaden", joined: "2015-06-18", number: 1, shares: 10, domain: "hzd.example"},
	{kind: "municipality", name: "ekom21 – KGRZ Hessen", short: "ekom21", street: "Carlo-Mierendorff-Straße 11",
		postcode: "35398", city: "Gießen", joined: "2015-06-18", number: 2, shares: 10, domain: "ekom21.example"},
	{kind: "university", name: "Goethe-Universität Frankfurt am Main", short: "GU Frankfurt", street: "Theodor-W.-Adorno-Platz 1",
		postcode: "60323", city: "Frankfurt am Main", joined: "2015-06-18", number: 3, shares: 5, domain: "uni-frankfurt.example"},
}

// members joined later; each gets one buyer who also represents it.
var laterMembers = []orgSeed{
	{kind: "municipality", name: "Stadt Frankfurt am Main", short: "Frankfurt", street: "Römerberg 23", postcode: "60311", city: "Frankfurt am Main", joined: "2016-03-01", number: 4, shares: 3, domain: "frankfurt.example"},
	{kind: "municipality", name: "Landeshauptstadt Wiesbaden", short: "Wiesbaden", street: "Schlossplatz 6", postcode: "65183", city: "Wiesbaden", joined: "2016-05-12", number: 5, shares: 3, domain: "wiesbaden.example"},
	{kind: "municipality", name: "Stadt Kassel", short: "Kassel", street: "Obere Königsstraße 8", postcode: "34117", city: "Kassel", joined: "2016-09-01", number: 6, shares: 2, domain: "kassel.example"},
	{kind: "municipality", name: "Wissenschaftsstadt Darmstadt", short: "Darmstadt", street: "Luisenplatz 5A", postcode: "64283", city: "Darmstadt", joined: "2017-01-15", number: 7, shares: 2, domain: "darmstadt.example"},
	{kind: "municipality", name: "Stadt Offenbach am Main", short: "Offenbach", street: "Berliner Straße 100", postcode: "63065", city: "Offenbach am Main", joined: "2017-04-01", number: 8, shares: 1, domain: "offenbach.example"},
	{kind: "municipality", name: "Universitätsstadt Gießen", short: "Gießen", street: "Berliner Platz 1", postcode: "35390", city: "Gießen", joined: "2017-07-01", number: 9, shares: 1, domain: "giessen.example"},
	{kind: "municipality", name: "Universitätsstadt Marburg", short: "Marburg", street: "Markt 1", postcode: "35037", city: "Marburg", joined: "2018-02-01", number: 10, shares: 1, domain: "marburg.example"},
	{kind: "municipality", name: "Stadt Fulda", short: "Fulda", street: "Schlossstraße 1", postcode: "36037", city: "Fulda", joined: "2018-06-01", number: 11, shares: 1, domain: "fulda.example"},
	{kind: "municipality", name: "Brüder-Grimm-Stadt Hanau", short: "Hanau", street: "Am Markt 14–18", postcode: "63450", city: "Hanau", joined: "2019-01-01", number: 12, shares: 1, domain: "hanau.example"},
	{kind: "municipality", name: "Landkreis Darmstadt-Dieburg", short: "LK DaDi", street: "Jägertorstraße 207", postcode: "64289", city: "Darmstadt", joined: "2019-03-01", number: 13, shares: 2, domain: "ladadi.example"},
	{kind: "municipality", name: "Main-Kinzig-Kreis", short: "MKK", street: "Barbarossastraße 16–24", postcode: "63571", city: "Gelnhausen", joined: "2019-09-01", number: 14, shares: 2, domain: "mkk.example"},
	{kind: "municipality", name: "Hochtaunuskreis", short: "HTK", street: "Ludwig-Erhard-Anlage 1–5", postcode: "61352", city: "Bad Homburg v. d. Höhe", joined: "2020-01-01", number: 15, shares: 1, domain: "hochtaunuskreis.example"},
	{kind: "municipality", name: "Landkreis Marburg-Biedenkopf", short: "LK MR-BID", street: "Im Lichtenholz 60", postcode: "35043", city: "Marburg", joined: "2020-06-01", number: 16, shares: 1, domain: "marburg-biedenkopf.example"},
	{kind: "municipality", name: "Wetteraukreis", short: "Wetterau", street: "Europaplatz", postcode: "61169", city: "Friedberg (Hessen)", joined: "2021-01-01", number: 17, shares: 1, domain: "wetterau.example"},
	{kind: "university", name: "Technische Universität Darmstadt", short: "TU Darmstadt", street: "Karolinenplatz 5", postcode: "64289", city: "Darmstadt", joined: "2016-01-01", number: 18, shares: 3, domain: "tu-darmstadt.example"},
	{kind: "university", name: "Justus-Liebig-Universität Gießen", short: "JLU Gießen", street: "Ludwigstraße 23", postcode: "35390", city: "Gießen", joined: "2016-07-01", number: 19, shares: 2, domain: "uni-giessen.example"},
	{kind: "university", name: "Philipps-Universität Marburg", short: "UMR", street: "Biegenstraße 10", postcode: "35037", city: "Marburg", joined: "2017-10-01", number: 20, shares: 2, domain: "uni-marburg.example"},
	{kind: "university", name: "Universität Kassel", short: "Uni Kassel", street: "Mönchebergstraße 19", postcode: "34125", city: "Kassel", joined: "2018-04-01", number: 21, shares: 2, domain: "uni-kassel.example"},
	{kind: "university", name: "Hochschule RheinMain", short: "HSRM", street: "Kurt-Schumacher-Ring 18", postcode: "65197", city: "Wiesbaden", joined: "2019-05-01", number: 22, shares: 1, domain: "hs-rm.example"},
	{kind: "university", name: "Frankfurt University of Applied Sciences", short: "Frankfurt UAS", street: "Nibelungenplatz 1", postcode: "60318", city: "Frankfurt am Main", joined: "2020-10-01", number: 23, shares: 1, domain: "frankfurt-uas.example"},
	{kind: "state_agency", name: "Hessisches Landesamt für Bodenmanagement und Geoinformation", short: "HVBG", street: "Schaperstraße 16", postcode: "65195", city: "Wiesbaden", joined: "2021-07-01", number: 24, shares: 1, domain: "hvbg.example"},
	{kind: "public_body", name: "Deutsche Rentenversicherung Hessen", short: "DRV Hessen", street: "Städelstraße 28", postcode: "60596", city: "Frankfurt am Main", joined: "2022-01-01", number: 25, shares: 1, domain: "drv-hessen.example"},
}

// suppliers are fictitious companies.
var suppliers = []orgSeed{
	{kind: "supplier", name: "Rhein-Main Systemhaus GmbH", nuts: "DE712", size: "medium", register: "HRB 99001, Amtsgericht Frankfurt am Main", short: "RMS", street: "Hanauer Landstraße 150", postcode: "60314", city: "Frankfurt am Main", domain: "rms.example"},
	{kind: "supplier", name: "HessenNet IT-Services GmbH", nuts: "DE721", size: "small", register: "HRB 99002, Amtsgericht Gießen", short: "HessenNet", street: "Frankfurter Straße 10", postcode: "35390", city: "Gießen", domain: "hessennet.example"},
	{kind: "supplier", name: "Datenwerk Nordhessen AG", nuts: "DE731", size: "large", register: "HRB 99003, Amtsgericht Kassel", short: "Datenwerk", street: "Wilhelmshöher Allee 250", postcode: "34119", city: "Kassel", domain: "datenwerk.example"},
	{kind: "supplier", name: "Taunus Software GmbH", nuts: "DE717", size: "small", register: "HRB 99004, Amtsgericht Bad Homburg", short: "Taunus SW", street: "Louisenstraße 60", postcode: "61348", city: "Bad Homburg v. d. Höhe", domain: "taunus-software.example"},
	{kind: "supplier", name: "Mittelhessen Hardware KG", nuts: "DE721", size: "micro", register: "HRA 99005, Amtsgericht Gießen", short: "MH Hardware", street: "Schiffenberger Weg 115", postcode: "35394", city: "Gießen", domain: "mh-hardware.example"},
}

type userSeed struct {
	local, name string
	roles       []string
}

var officeUsers = []userSeed{
	{"admin", "Petra Admin", []string{"platform_admin"}},
	{"vergabe", "Thomas Vergabe", []string{"procurement_manager"}},
	{"recht", "Dr. Jana Recht", []string{"legal_advisor"}},
	{"vorstand", "Karin Vorstand", []string{"board"}},
}

var founderUsers = []userSeed{
	{"admin", "Administration", []string{"member_admin"}},
	{"einkauf", "Einkauf", []string{"member_buyer"}},
	{"vorstand", "Vertretung", []string{"member_representative"}},
}

var memberUsers = []userSeed{{"einkauf", "Einkauf", []string{"member_buyer", "member_representative"}}}

var supplierUsers = []userSeed{{"vertrieb", "Vertrieb", []string{"supplier_user"}}}
