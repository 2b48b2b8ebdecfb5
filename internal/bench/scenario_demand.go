package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"sync"

	"kopit/internal/demand"
	"kopit/internal/platform/audit"
	"kopit/internal/platform/auth"
)

// demandAnswerBurst: every member's buyer answers the open demand call
// through the API at once, again and again (each answer replaces the
// member's previous one), as members' own systems do shortly before a
// deadline.
//
// Invariants afterwards, read through the demand service:
//   - the aggregate counts as answered exactly the members that got a 200;
//   - every member's stored answer is the last one it got a 200 for: the same
//     lots in or out, the same estimates and maxima;
//   - the aggregate's yearly maximum per item is the sum of those maxima, and
//     its § 3 VgV value is their value over the term, computed here anew;
//   - the audit log has one demand_answer.submitted entry per 200.
//
// A member's requests are serialised on the client (a per-member lock), so
// that "the last one it got a 200 for" is well defined; different members
// answer concurrently.
func demandAnswerBurst() *Scenario {
	type state struct {
		mu        sync.Mutex
		last      *demand.AnswersJSON // the last answer that got a 200
		uncertain bool                // a request failed in transit: the server may have stored it
		ok        int
	}
	var (
		project demand.Project
		path    string
		tokens  []string
		members []state
	)
	answer := func(m, i int) demand.AnswersJSON {
		a := demand.AnswersJSON{Lots: []demand.AnswerJSON{}}
		for l, lot := range project.Lots {
			la := demand.AnswerJSON{LotID: lot.ID, Participates: (m+l+i)%5 != 0, Contact: "Einkauf",
				CostCentre: "IT-" + strconv.Itoa(1000+m), Locations: "Hauptverwaltung", Quantities: []demand.QuantityJSON{}}
			if la.Participates {
				for k, it := range lot.Items {
					est := int64(1 + (m*7+i*3+k*11+l)%200)
					la.Quantities = append(la.Quantities, demand.QuantityJSON{ItemID: it.ID, Estimate: est, Max: est + int64((i+k)%50)})
				}
			} else {
				la.Comment = "Bedarf über eigenen Rahmenvertrag gedeckt."
			}
			a.Lots = append(a.Lots, la)
		}
		return a
	}
	return &Scenario{Name: "demand_answer_burst", Module: "demand",
		Doc: "PUT /api/v1/calls/{id}/answers by every member's buyer (bearer token), each answer replacing the last",
		Setup: func(ctx context.Context, env *Env) error {
			project, path = env.Data.Project, "/api/v1/calls/"+env.Data.CallID+"/answers"
			members = make([]state, len(env.Data.Members))
			tokens = make([]string, len(env.Data.Members))
			for i, m := range env.Data.Members {
				var err error
				if tokens[i], err = env.Token(ctx, m.Buyer.ID); err != nil {
					return err
				}
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			m := i % len(members)
			st := &members[m]
			st.mu.Lock()
			defer st.mu.Unlock()
			a := answer(m, i)
			body, err := json.Marshal(a)
			if err != nil {
				return err
			}
			res, err := c.Do(ctx, http.MethodPut, path, body, "Authorization", "Bearer "+tokens[m], "Content-Type", "application/json")
			if err != nil {
				st.uncertain = true
				return err
			}
			if err := res.Expect(http.StatusOK); err != nil {
				return err // refused: the service stores nothing
			}
			st.last, st.ok = &a, st.ok+1
			return nil
		},
		Check: func(ctx context.Context, env *Env) error {
			callID := env.Data.CallID
			p, _, agg, err := env.App.Demand.Aggregate(ctx, auth.AllScope(), callID)
			if err != nil {
				return err
			}
			stored, err := env.App.Demand.Store().Answers(ctx, env.App.DB, auth.AllScope(), callID)
			if err != nil {
				return err
			}
			var problems []error
			answered, uncertain, oks := 0, 0, 0
			yearMax := map[string]int64{} // item → Σ max of participating members
			for i, m := range env.Data.Members {
				st := &members[i]
				oks += st.ok
				if st.uncertain {
					uncertain++
					continue // whatever is stored may be the request that failed in transit
				}
				got, has := stored[m.ID]
				if st.last == nil {
					if has {
						problems = append(problems, fmt.Errorf("%s never got a 200 but has a stored answer", m.Name))
					}
					continue
				}
				answered++
				if !has {
					problems = append(problems, fmt.Errorf("%s got a 200 but has no stored answer", m.Name))
					continue
				}
				if err := sameAnswer(*st.last, got); err != nil {
					problems = append(problems, fmt.Errorf("%s: %w", m.Name, err))
				}
				for _, l := range st.last.Lots {
					for _, q := range l.Quantities {
						yearMax[q.ItemID] += q.Max
					}
				}
			}
			if uncertain == 0 && agg.Answered != answered {
				problems = append(problems, fmt.Errorf("aggregate counts %d members as answered, %d got a 200", agg.Answered, answered))
			}
			if uncertain > 0 && (agg.Answered < answered || agg.Answered > answered+uncertain) {
				problems = append(problems, fmt.Errorf("aggregate counts %d answered, want %d to %d", agg.Answered, answered, answered+uncertain))
			}
			if uncertain == 0 {
				// The yearly maxima and the § 3 VgV value, computed independently.
				sum := new(big.Int)
				for _, lt := range agg.Lots {
					for _, it := range lt.Items {
						if it.Max != yearMax[it.Item.ID] {
							problems = append(problems, fmt.Errorf("lot %d item %q: aggregate maximum %d, members sent %d",
								lt.Lot.Number, it.Item.Description, it.Max, yearMax[it.Item.ID]))
						}
						sum.Add(sum, new(big.Int).Mul(big.NewInt(yearMax[it.Item.ID]), big.NewInt(it.Item.UnitPrice4)))
					}
				}
				// unit prices are in 1/10,000 €: value in cents over the term,
				// rounded half up: Σ(max × price) × months / 12 / 100.
				v := sum.Mul(sum, big.NewInt(int64(p.TermMonths())))
				v.Add(v, big.NewInt(600))
				v.Div(v, big.NewInt(1200))
				if v.Int64() != agg.ValueCents {
					problems = append(problems, fmt.Errorf("aggregate value %d ct, the answers give %d ct", agg.ValueCents, v.Int64()))
				}
			}
			_, entries, err := audit.List(ctx, env.App.DB, auth.AllScope(), audit.Filter{Action: "demand_answer.submitted", EntityID: callID, Limit: 1})
			if err != nil {
				return err
			}
			if uncertain == 0 && entries != oks {
				problems = append(problems, fmt.Errorf("audit log has %d answer entries, the server answered 200 %d times", entries, oks))
			}
			if oks == 0 {
				problems = append(problems, errors.New("no answer was accepted"))
			}
			if len(problems) > 5 {
				problems = append(problems[:5], fmt.Errorf("… and %d more", len(problems)-5))
			}
			return errors.Join(problems...)
		}}
}

// sameAnswer compares what was sent with what the store holds.
func sameAnswer(sent demand.AnswersJSON, got []demand.LotAnswer) error {
	byLot := map[string]demand.LotAnswer{}
	for _, g := range got {
		byLot[g.LotID] = g
	}
	if len(byLot) != len(sent.Lots) {
		return fmt.Errorf("%d lots stored, %d sent", len(byLot), len(sent.Lots))
	}
	for _, s := range sent.Lots {
		g, ok := byLot[s.LotID]
		switch {
		case !ok:
			return fmt.Errorf("lot %s not stored", s.LotID)
		case g.Participates != s.Participates:
			return fmt.Errorf("lot %s: participates %v stored, %v sent", s.LotID, g.Participates, s.Participates)
		case len(g.Quantities) != len(s.Quantities):
			return fmt.Errorf("lot %s: %d quantities stored, %d sent", s.LotID, len(g.Quantities), len(s.Quantities))
		}
		for _, q := range s.Quantities {
			if sq := g.Quantities[q.ItemID]; sq.Estimate != q.Estimate || sq.Max != q.Max {
				return fmt.Errorf("item %s: stored estimate %d / max %d, sent %d / %d", q.ItemID, sq.Estimate, sq.Max, q.Estimate, q.Max)
			}
		}
	}
	return nil
}
