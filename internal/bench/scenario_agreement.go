package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"kopit/internal/agreement"
	"kopit/internal/platform/auth"
	"kopit/internal/platform/money"
)

// The framework agreement scenarios: the agreement page, the catalogue
// search over every item, call-offs competing for one agreement's quota
// and the import of a large BMEcat file (scenario_import.go).

// agreementViewers is how many members' buyers take turns in the read
// scenarios (each sees only the agreements it is entitled to).
const agreementViewers = 8

// htmlAgreement: a member's buyer opens the agreements it is entitled to in
// turn (volume, own quota, term, catalogue size, the last imports).
func htmlAgreement() *Scenario {
	var (
		sessions []string
		paths    [][]string // per viewer: the pages of its agreements
	)
	get := func(ctx context.Context, c *Client, i int) (Response, error) {
		v := i % len(sessions)
		ps := paths[v]
		res, err := c.Get(ctx, ps[(i/len(sessions))%len(ps)], "Cookie", Cookie(sessions[v]))
		if err != nil {
			return res, err
		}
		return res, res.Expect(200)
	}
	return &Scenario{Name: "html_agreement", Module: "agreement", Target: htmlTarget, ReadOnly: true,
		Doc: "GET /agreements/{id} (volume, own quota, catalogue size) as a member buyer, each of its agreements in turn, 8 members taking turns",
		Setup: func(ctx context.Context, env *Env) error {
			ad := env.Data.Agreements
			if ad == nil {
				return errors.New("the dataset has no agreements (scale agreements=0)")
			}
			sessions, paths = nil, nil
			for m := 0; m < min(agreementViewers, len(env.Data.Members)); m++ {
				mine := ad.ByMember(m)
				if len(mine) == 0 {
					continue
				}
				s, err := env.Session(ctx, env.Data.Members[m].Buyer.Email)
				if err != nil {
					return err
				}
				var ps []string
				for _, k := range mine {
					ps = append(ps, "/agreements/"+ad.IDs[k])
				}
				sessions, paths = append(sessions, s), append(paths, ps)
			}
			if len(sessions) == 0 {
				return errors.New("no member is entitled to an agreement")
			}
			res, err := get(ctx, env.Client(), 0)
			if err != nil {
				return err
			}
			if !bytes.Contains(res.Body, []byte(ad.Refs[0])) || !bytes.Contains(res.Body, []byte(`action="/logout"`)) {
				return fmt.Errorf("%s does not show agreement %s to a signed-in member", paths[0][0], ad.Refs[0])
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			_, err := get(ctx, c, i)
			return err
		}}
}

// catalogueQueries are what buyers type, with and without filters: plurals
// and other word forms ("Notebooks", "Dockingstationen", "Bildschirme")
// that must find the singular's items, CPV prefixes, price ranges, sorts.
var catalogueQueries = []string{
	"q=Notebooks",
	"q=Notebook+14+Zoll",
	"q=Dockingstationen",
	"q=Monitore+USB-C&sort=price",
	"q=Bildschirme&max=300",
	"q=Tastaturen&cpv=30237460",
	"q=Headsets+Mikrofone",
	"q=Kabel&sort=price&min=5&max=20",
	"q=Patchkabel+Cat",
	"cpv=30213100&sort=price",
	"q=Funktastatur",
	"q=Lenovo+Notebooks&sort=price_desc",
	"q=Laptop+SSD",
	"q=Kopfhörer&min=50",
	"q=Docking&cpv=302",
	"q=Maus+optisch&sort=name",
}

// wordForms pairs a word form with its base form: both must find the
// same items.
var wordForms = [][2]string{{"Notebooks", "Notebook"}, {"Dockingstationen", "Dockingstation"}, {"Bildschirme", "Bildschirm"}, {"Tastaturen", "Tastatur"}}

// catalogueSearch: members' buyers search every catalogue they may buy
// from through the API, 32 at once (the load).
func catalogueSearch() *Scenario {
	var tokens []string
	search := func(ctx context.Context, c *Client, token, query string) (int, error) {
		res, err := c.Get(ctx, "/api/v1/catalogue/search?"+query, "Authorization", "Bearer "+token)
		if err != nil {
			return 0, err
		}
		if err := res.Expect(200); err != nil {
			return 0, err
		}
		var out struct {
			Total int `json:"total"`
		}
		if err := json.Unmarshal(res.Body, &out); err != nil {
			return 0, fmt.Errorf("%s: %w", query, err)
		}
		return out.Total, nil
	}
	return &Scenario{Name: "catalogue_search", Module: "agreement", ReadOnly: true,
		Doc: "GET /api/v1/catalogue/search?q=… (German queries with word forms, some with CPV, price and sort filters) with a member buyer's token, " +
			"over every catalogue item of the member's agreements; 8 members taking turns",
		Target: &Target{Label: "catalogue search p99 < 50 ms at 32 clients", P99: 50 * time.Millisecond},
		Load:   Load{Clients: 32},
		Setup: func(ctx context.Context, env *Env) error {
			if env.Data.Agreements == nil {
				return errors.New("the dataset has no agreements (scale agreements=0)")
			}
			tokens = nil
			for m := 0; m < min(agreementViewers, len(env.Data.Members)); m++ {
				t, err := env.Token(ctx, env.Data.Members[m].Buyer.ID)
				if err != nil {
					return err
				}
				tokens = append(tokens, t)
			}
			// A word form finds what its base form finds, and something.
			c := env.Client()
			for _, wf := range wordForms {
				a, err := search(ctx, c, tokens[0], "q="+url.QueryEscape(wf[0]))
				if err != nil {
					return err
				}
				b, err := search(ctx, c, tokens[0], "q="+url.QueryEscape(wf[1]))
				if err != nil {
					return err
				}
				if a == 0 || a != b {
					return fmt.Errorf("search: %q finds %d items, %q %d (a word form must find its base form's items)", wf[0], a, wf[1], b)
				}
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			_, err := search(ctx, c, tokens[i%len(tokens)], catalogueQueries[(i/len(tokens))%len(catalogueQueries)])
			return err
		}}
}

// calloffClients is the number of concurrent buyers.
const calloffClients = 64

// calloffContention: 64 buyers of different members call off from the one
// agreement every member may use, all at once, through the API, until its
// maximum and some members' own maxima are used up (the requests ask for
// about 1.6 times the agreement's value; every fourth member's own maximum
// is a hundredth of it). Refusals (409) are expected answers, not errors.
//
// Invariants afterwards, read through the service as the office: the
// agreement's used quota equals the sum of its stored call-offs and stays
// within the maximum; each member's used quota equals the sum of its
// call-offs and stays within its own maximum; every call-off that got a 201
// is stored exactly once, and nothing else is; both limits were reached.
func calloffContention() *Scenario {
	var (
		mu        sync.Mutex
		accepted  = map[string]int64{} // call-off id → total
		refused   int
		uncertain int
		tokens    []string
		body      []byte
		agID      string
		value     int64 // of one call-off
	)
	return &Scenario{Name: "calloff_contention", Module: "agreement",
		Doc: "POST /api/v1/calloffs (one catalogue line) by 64 buyers of different members on the same agreement at once, " +
			"until its maximum and some members' maxima are used up; 409 refusals are expected",
		Target: &Target{Label: "≥ 500 call-offs/s from 64 buyers on one agreement", MinRPS: 500},
		Load:   Load{Counted: true, Requests: func(s Scale) int { return s.Calloffs }, Clients: calloffClients},
		Setup: func(ctx context.Context, env *Env) error {
			ad := env.Data.Agreements
			if ad == nil || env.Scale.Calloffs == 0 {
				return errors.New("the dataset has no agreement to call off from (scale agreements=0 or calloffs=0)")
			}
			agID = ad.IDs[0]
			office, err := env.App.Members.Store().Actor(ctx, env.Data.Manager.ID)
			if err != nil {
				return err
			}
			ag, err := env.App.Agreements.Agreement(ctx, office, agID)
			if err != nil {
				return err
			}
			if ag.CalledCents != 0 {
				return fmt.Errorf("agreement %s already has %d cents called off", ag.Reference, ag.CalledCents)
			}
			hits, err := env.App.Agreements.Search(ctx, office, agreement.Query{AgreementID: agID, Sort: agreement.SortPriceAsc, Limit: 1})
			if err != nil {
				return err
			}
			if len(hits.Items) == 0 {
				return fmt.Errorf("agreement %s has no catalogue", ag.Reference)
			}
			item := hits.Items[0]
			// Each call-off is worth about 1.6 × the maximum / requests: the
			// members with a small own maximum soon stop, the others must
			// still exhaust the agreement.
			want := ag.MaxCents * 8 / 5 / int64(env.Scale.Calloffs)
			qty := max(1, want*100/max(item.PriceE4, 1))
			value = money.E4ToCents(item.PriceE4 * qty)
			accepted, refused, uncertain = map[string]int64{}, 0, 0
			body, _ = json.Marshal(map[string]any{"agreement_id": agID, "delivery_address": "Rathausplatz 1, 35037 Marburg",
				"cost_centre": "KST 4711", "note": "kopit bench", "lines": []map[string]any{{"item_id": item.ID, "quantity": qty}}})
			tokens = make([]string, calloffClients)
			for w := range tokens {
				m := env.Data.Members[w%len(env.Data.Members)]
				if tokens[w], err = env.Token(ctx, m.Buyer.ID); err != nil {
					return err
				}
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			res, err := c.Do(ctx, http.MethodPost, "/api/v1/calloffs", body, "Authorization", "Bearer "+tokens[c.Worker%len(tokens)],
				"Content-Type", "application/json")
			if err != nil {
				mu.Lock()
				uncertain++
				mu.Unlock()
				return err
			}
			switch res.Status {
			case http.StatusCreated:
				var out struct {
					ID         string `json:"id"`
					TotalCents int64  `json:"total_cents"`
				}
				if err := json.Unmarshal(res.Body, &out); err != nil || out.ID == "" {
					return fmt.Errorf("call-off %d: 201 without a call-off: %s", i, res.Body)
				}
				mu.Lock()
				accepted[out.ID] = out.TotalCents
				mu.Unlock()
				return nil
			case http.StatusConflict:
				mu.Lock()
				refused++
				mu.Unlock()
				return nil
			}
			return res.Expect(http.StatusCreated, http.StatusConflict)
		},
		Check: func(ctx context.Context, env *Env) error {
			office, err := env.App.Members.Store().Actor(ctx, env.Data.Manager.ID)
			if err != nil {
				return err
			}
			return checkQuota(ctx, env, office, agID, value, accepted, refused, uncertain)
		}}
}

// checkQuota compares an agreement's running totals with its stored
// call-offs and with what the clients were told; value is one call-off's.
func checkQuota(ctx context.Context, env *Env, office *auth.Actor, agID string, value int64, accepted map[string]int64, refused, uncertain int) error {
	ag, err := env.App.Agreements.Agreement(ctx, office, agID)
	if err != nil {
		return err
	}
	list, err := env.App.Agreements.CallOffs(ctx, office, agreement.CallOffFilter{AgreementID: agID, Limit: len(accepted) + uncertain + 1000})
	if err != nil {
		return err
	}
	var problems []error
	var sum, sentSum int64
	byOrg := map[string]int64{}
	seen := map[string]int{}
	for _, c := range list {
		seen[c.ID]++
		if c.Status == agreement.Rejected || c.Status == agreement.Cancelled {
			continue
		}
		sum += c.TotalCents
		byOrg[c.OrgID] += c.TotalCents
	}
	eur := func(c int64) string { return money.FormatCents(c, "en") + " €" }
	if sum != ag.CalledCents {
		problems = append(problems, fmt.Errorf("agreement %s: used quota %s, its stored call-offs add up to %s", ag.Reference, eur(ag.CalledCents), eur(sum)))
	}
	if ag.CalledCents > ag.MaxCents {
		problems = append(problems, fmt.Errorf("agreement %s overdrawn: %s called off of %s", ag.Reference, eur(ag.CalledCents), eur(ag.MaxCents)))
	}
	ownLimit := false
	for _, m := range ag.Members {
		if byOrg[m.OrgID] != m.CalledCents {
			problems = append(problems, fmt.Errorf("member %s: used quota %s, its stored call-offs add up to %s", m.OrgID, eur(m.CalledCents), eur(byOrg[m.OrgID])))
		}
		if m.CalledCents > m.MaxCents {
			problems = append(problems, fmt.Errorf("member %s overdrawn: %s of %s", m.OrgID, eur(m.CalledCents), eur(m.MaxCents)))
		}
		delete(byOrg, m.OrgID)
		if m.MaxCents < ag.MaxCents && m.MaxCents-m.CalledCents < value {
			ownLimit = true
		}
	}
	for org, c := range byOrg {
		problems = append(problems, fmt.Errorf("organisation %s is not entitled but has %s called off", org, eur(c)))
	}
	for id, total := range accepted {
		sentSum += total
		if seen[id] != 1 {
			problems = append(problems, fmt.Errorf("call-off %s got a 201 but is stored %d times", id, seen[id]))
		}
	}
	if extra := len(list) - len(accepted); extra < 0 || extra > uncertain {
		problems = append(problems, fmt.Errorf("%d call-offs stored, %d got a 201 (%d failed in transit): lost or double-counted orders", len(list), len(accepted), uncertain))
	}
	if uncertain == 0 && sentSum != ag.CalledCents {
		problems = append(problems, fmt.Errorf("the 201 answers add up to %s, the agreement's used quota is %s", eur(sentSum), eur(ag.CalledCents)))
	}
	switch {
	case len(accepted) == 0:
		problems = append(problems, errors.New("no call-off was accepted"))
	case refused == 0:
		problems = append(problems, errors.New("no call-off was refused: the run never reached a maximum, so it tested nothing at the limit"))
	case ag.MaxCents-ag.CalledCents >= value:
		problems = append(problems, fmt.Errorf("the agreement's maximum was not reached (%s of %s left)", eur(ag.MaxCents-ag.CalledCents), eur(ag.MaxCents)))
	case !ownLimit:
		problems = append(problems, errors.New("no member reached its own maximum"))
	}
	if len(problems) > 5 {
		problems = append(problems[:5], fmt.Errorf("… and %d more", len(problems)-5))
	}
	return errors.Join(problems...)
}
