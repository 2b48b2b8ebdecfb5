package demand

import (
	"net/http"
	"strconv"
	"time"

	"kopit/internal/platform/auth"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/money"
	"kopit/internal/platform/web"
)

// JSON shapes of the demand API. Amounts are strings with a decimal point
// ("899.99", "234.5678") so that no client parses money as a float.

// ItemJSON is a line item.
type ItemJSON struct {
	ID           string `json:"id"`
	Position     int    `json:"position"`
	Description  string `json:"description"`
	Unit         string `json:"unit"`
	UnitPrice    string `json:"unit_price"`
	Requirements string `json:"requirements"`
}

// LotJSON is a lot with its items.
type LotJSON struct {
	ID          string     `json:"id"`
	Number      int        `json:"number"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Items       []ItemJSON `json:"items"`
}

// ProjectJSON is a project.
type ProjectJSON struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	Description     string    `json:"description"`
	Nature          string    `json:"nature"`
	CPVMain         string    `json:"cpv_main"`
	CPVAdditional   []string  `json:"cpv_additional"`
	FrameworkMonths int       `json:"framework_months"`
	OptionMonths    int       `json:"option_months"`
	Lots            []LotJSON `json:"lots"`
}

// CallJSON is a demand call.
type CallJSON struct {
	ID           string       `json:"id"`
	ProjectID    string       `json:"project_id"`
	ProjectTitle string       `json:"project_title"`
	Message      string       `json:"message"`
	Deadline     time.Time    `json:"deadline"`
	Open         bool         `json:"open"`
	Answered     bool         `json:"answered"`
	Project      *ProjectJSON `json:"project,omitempty"`
}

// AnswerJSON is one lot's answer, in and out.
type AnswerJSON struct {
	LotID        string         `json:"lot_id"`
	Participates bool           `json:"participates"`
	Locations    string         `json:"delivery_locations"`
	CostCentre   string         `json:"cost_centre"`
	Contact      string         `json:"contact"`
	Comment      string         `json:"comment"`
	Quantities   []QuantityJSON `json:"quantities"`
}

// QuantityJSON is a yearly quantity of one item.
type QuantityJSON struct {
	ItemID   string `json:"item_id"`
	Estimate int64  `json:"estimate"`
	Max      int64  `json:"max"`
}

// AnswersJSON is a member's answer to a call.
type AnswersJSON struct {
	OrganisationID string       `json:"organisation_id,omitempty"`
	Lots           []AnswerJSON `json:"lots"`
}

// AggregateJSON is the bundled demand.
type AggregateJSON struct {
	Invited    int            `json:"invited"`
	Answered   int            `json:"answered"`
	TermMonths int            `json:"term_months"`
	Value      string         `json:"estimated_value"`
	Estimate   string         `json:"value_at_estimates"`
	Lots       []LotTotalJSON `json:"lots"`
}

// LotTotalJSON sums a lot.
type LotTotalJSON struct {
	LotID        string `json:"lot_id"`
	Number       int    `json:"number"`
	Participants int    `json:"participants"`
	OptedOut     int    `json:"opted_out"`
	Value        string `json:"estimated_value"`
}

func centsString(c int64) string { return money.PlainCents(c) }

func projectJSON(p Project) ProjectJSON {
	j := ProjectJSON{ID: p.ID, Title: p.Title, Description: p.Description, Nature: p.Nature, CPVMain: p.CPVMain,
		CPVAdditional: append([]string{}, p.CPVAdditional...), FrameworkMonths: p.FrameworkMonths, OptionMonths: p.OptionMonths, Lots: []LotJSON{}}
	for _, l := range p.Lots {
		lj := LotJSON{ID: l.ID, Number: l.Number, Title: l.Title, Description: l.Description, Items: []ItemJSON{}}
		for _, it := range l.Items {
			lj.Items = append(lj.Items, ItemJSON{ID: it.ID, Position: it.Position, Description: it.Description, Unit: it.Unit,
				UnitPrice: money.PlainE4(it.UnitPrice4), Requirements: it.Requirements})
		}
		j.Lots = append(j.Lots, lj)
	}
	return j
}

func (h *Handlers) apiProjects(w http.ResponseWriter, r *http.Request) error {
	ps, err := h.svc.store.Projects(r.Context(), h.svc.db)
	if err != nil {
		return err
	}
	out := []ProjectJSON{}
	for _, p := range ps {
		full, err := h.svc.store.Project(r.Context(), h.svc.db, p.ID)
		if err != nil {
			return err
		}
		out = append(out, projectJSON(full))
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *Handlers) apiCalls(w http.ResponseWriter, r *http.Request) error {
	calls, err := h.svc.store.Calls(r.Context(), h.svc.db, web.Actor(r).Scope(auth.ViewCalls), "")
	if err != nil {
		return err
	}
	out := []CallJSON{}
	now := h.svc.clock.Now()
	for _, c := range calls {
		out = append(out, CallJSON{ID: c.ID, ProjectID: c.ProjectID, ProjectTitle: c.ProjectTitle, Message: c.Message,
			Deadline: c.Deadline.UTC(), Open: c.Open(now), Answered: c.Answered})
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (h *Handlers) apiCall(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	c, err := h.svc.store.Call(r.Context(), h.svc.db, a.Scope(auth.ViewCalls), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.svc.store.Project(r.Context(), h.svc.db, c.ProjectID)
	if err != nil {
		return err
	}
	pj := projectJSON(p)
	web.WriteJSON(w, http.StatusOK, CallJSON{ID: c.ID, ProjectID: c.ProjectID, ProjectTitle: c.ProjectTitle, Message: c.Message,
		Deadline: c.Deadline.UTC(), Open: c.Open(h.svc.clock.Now()), Project: &pj})
	return nil
}

// apiAnswers returns the answers in the actor's scope: a member its own, the
// office every member's.
func (h *Handlers) apiAnswers(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	scope := a.Scope(auth.ViewCalls)
	c, err := h.svc.store.Call(r.Context(), h.svc.db, scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	byOrg, err := h.svc.store.Answers(r.Context(), h.svc.db, scope, c.ID)
	if err != nil {
		return err
	}
	out := []AnswersJSON{}
	for org, lots := range byOrg {
		aj := AnswersJSON{OrganisationID: org, Lots: []AnswerJSON{}}
		for _, l := range lots {
			lj := AnswerJSON{LotID: l.LotID, Participates: l.Participates, Locations: l.Locations, CostCentre: l.CostCentre,
				Contact: l.Contact, Comment: l.Comment, Quantities: []QuantityJSON{}}
			for item, q := range l.Quantities {
				lj.Quantities = append(lj.Quantities, QuantityJSON{ItemID: item, Estimate: q.Estimate, Max: q.Max})
			}
			aj.Lots = append(aj.Lots, lj)
		}
		out = append(out, aj)
	}
	web.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// apiSubmitAnswers replaces the actor's organisation's answer with the JSON
// body; the same rules as the form apply.
func (h *Handlers) apiSubmitAnswers(w http.ResponseWriter, r *http.Request) error {
	a := web.Actor(r)
	var body AnswersJSON
	if err := web.DecodeJSON(r, &body); err != nil {
		return err
	}
	c, err := h.svc.store.Call(r.Context(), h.svc.db, auth.OrgScope(a.OrgID), r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.svc.store.Project(r.Context(), h.svc.db, c.ProjectID)
	if err != nil {
		return err
	}
	if err := knownIDs(p, body); err != nil {
		return err
	}
	in := AnswerInput{Lots: map[string]LotAnswerInput{}}
	for _, l := range body.Lots {
		part := "no"
		if l.Participates {
			part = "yes"
		}
		la := LotAnswerInput{Participates: part, Locations: l.Locations, CostCentre: l.CostCentre, Contact: l.Contact,
			Comment: l.Comment, Estimate: map[string]string{}, Max: map[string]string{}}
		for _, q := range l.Quantities {
			la.Estimate[q.ItemID], la.Max[q.ItemID] = strconv.FormatInt(q.Estimate, 10), strconv.FormatInt(q.Max, 10)
		}
		in.Lots[l.LotID] = la
	}
	if err := h.svc.SubmitAnswers(r.Context(), a, c.ID, in); err != nil {
		return err
	}
	return h.apiAnswers(w, r)
}

// knownIDs refuses lots and items that are not the call's, instead of
// ignoring them silently.
func knownIDs(p Project, body AnswersJSON) error {
	items := map[string]string{}
	for _, l := range p.Lots {
		for _, it := range l.Items {
			items[it.ID] = l.ID
		}
	}
	for _, l := range body.Lots {
		if lotByID(p, l.LotID).ID == "" {
			return errs.Field("lots", "error.unknown_lot")
		}
		for _, q := range l.Quantities {
			if items[q.ItemID] != l.LotID {
				return errs.Field(l.LotID+".quantities", "error.unknown_item")
			}
		}
	}
	return nil
}

func (h *Handlers) apiAggregate(w http.ResponseWriter, r *http.Request) error {
	_, _, agg, err := h.svc.Aggregate(r.Context(), web.Actor(r).Scope(auth.ViewCalls), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := AggregateJSON{Invited: agg.Invited, Answered: agg.Answered, TermMonths: agg.TermMonths,
		Value: centsString(agg.ValueCents), Estimate: centsString(agg.EstimateCents), Lots: []LotTotalJSON{}}
	for _, l := range agg.Lots {
		out.Lots = append(out.Lots, LotTotalJSON{LotID: l.Lot.ID, Number: l.Lot.Number, Participants: l.Participants,
			OptedOut: l.OptedOut, Value: centsString(l.ValueCents)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
