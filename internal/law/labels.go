package law

// labels holds the German and English names of the engine's codes:
// procedures, time limits and timeline steps.
var labels = map[string][2]string{ // code → {de, en}
	string(Open):                               {"Offenes Verfahren", "Open procedure"},
	string(Restricted):                         {"Nicht offenes Verfahren", "Restricted procedure"},
	string(NegotiatedWithCompetition):          {"Verhandlungsverfahren mit Teilnahmewettbewerb", "Competitive procedure with negotiation"},
	string(NegotiatedWithoutCompetition):       {"Verhandlungsverfahren ohne Teilnahmewettbewerb", "Negotiated procedure without prior publication"},
	string(CompetitiveDialogue):                {"Wettbewerblicher Dialog", "Competitive dialogue"},
	string(InnovationPartnership):              {"Innovationspartnerschaft", "Innovation partnership"},
	string(PublicTender):                       {"Öffentliche Ausschreibung", "Public tender"},
	string(RestrictedTender):                   {"Beschränkte Ausschreibung mit Teilnahmewettbewerb", "Restricted tender with competition"},
	string(RestrictedTenderWithoutCompetition): {"Beschränkte Ausschreibung ohne Teilnahmewettbewerb", "Restricted tender without competition"},
	string(NegotiatedAward):                    {"Verhandlungsvergabe", "Negotiated award"},
	string(DirectAward):                        {"Direktauftrag", "Direct award"},

	"min_days." + string(LimitOpen):                    {"Angebotsfrist (offenes Verfahren)", "Time limit for tenders (open procedure)"},
	"min_days." + string(LimitRestrictedParticipation): {"Teilnahmefrist (nicht offenes Verfahren)", "Time limit for requests to participate (restricted procedure)"},
	"min_days." + string(LimitRestrictedTender):        {"Angebotsfrist (nicht offenes Verfahren)", "Time limit for tenders (restricted procedure)"},
	"min_days." + string(LimitNegotiatedParticipation): {"Teilnahmefrist (Verhandlungsverfahren)", "Time limit for requests to participate (negotiated procedure)"},
	"min_days." + string(LimitNegotiatedTender):        {"Frist für Erstangebote (Verhandlungsverfahren)", "Time limit for initial tenders (negotiated procedure)"},
	"standstill_days": {"Wartefrist (§ 134 GWB)", "Standstill period (§ 134 GWB)"},

	StepPINWindow:             {"Zeitfenster für die Vorinformation", "Window for the prior information notice"},
	StepPINDispatch:           {"Absendung der Vorinformation", "Prior information notice sent"},
	StepNoticeDispatch:        {"Absendung der Auftragsbekanntmachung", "Contract notice sent"},
	StepParticipationDeadline: {"Ende der Teilnahmefrist (frühestens)", "Participation deadline (earliest)"},
	StepInvitationDispatch:    {"Aufforderung zur Angebotsabgabe", "Invitation to tender sent"},
	StepTenderDeadline:        {"Ende der Angebotsfrist (frühestens)", "Tender deadline (earliest)"},
	StepOpening:               {"Öffnung der Angebote", "Opening of tenders"},
	StepInformationDispatch:   {"Vorabinformation an die Bieter (§ 134 GWB)", "Information to tenderers (§ 134 GWB)"},
	StepStandstillLastDay:     {"Letzter Tag der Wartefrist", "Last day of the standstill period"},
	StepEarliestContract:      {"Frühester Zuschlag / Vertragsschluss", "Earliest award / contract signature"},
	StepPublication:           {"Veröffentlichung", "Publication"},

	RegimeEU:   {"EU-weites Verfahren (GWB, VgV)", "EU-wide procedure (GWB, VgV)"},
	RegimeHVTG: {"Nationales Verfahren (HVTG, UVgO)", "National procedure (HVTG, UVgO)"},
	RegimeUVgO: {"Nationales Verfahren (UVgO)", "National procedure (UVgO)"},
}

// Label returns the name of a procedure, time limit ("min_days.open"),
// timeline step or regime code in lang ("de", the default, or "en"); an
// unknown code is returned unchanged.
func Label(code, lang string) string {
	l, ok := labels[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// ProcedureLabel is Label for a procedure type.
func ProcedureLabel(p Procedure, lang string) string { return Label(string(p), lang) }

// Procedures lists every procedure type the engine knows, EU-wide first.
func Procedures() []Procedure {
	return []Procedure{Open, Restricted, NegotiatedWithCompetition, CompetitiveDialogue, InnovationPartnership,
		NegotiatedWithoutCompetition, PublicTender, RestrictedTender, RestrictedTenderWithoutCompetition,
		NegotiatedAward, DirectAward}
}

// ParseProcedure reads a procedure code.
func ParseProcedure(s string) (Procedure, error) {
	for _, p := range Procedures() {
		if string(p) == s {
			return p, nil
		}
	}
	return "", invalid("procedure", "%q is not a procedure type", s)
}
