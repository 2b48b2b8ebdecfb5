package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
)

// apiOrganisations reads the member register through the API with a member's
// token, as a member's own system would: 50 organisations a page, every page
// in turn.
func apiOrganisations() *Scenario {
	var token string
	var pages int
	return &Scenario{Name: "api_organisations", Module: "member", ReadOnly: true,
		Doc: "GET /api/v1/organisations?limit=50&offset=N with a member buyer's bearer token",
		Setup: func(ctx context.Context, env *Env) error {
			var err error
			if token, err = env.Token(ctx, env.Data.Members[0].Buyer.ID); err != nil {
				return err
			}
			// A member sees the register (§ 31 GenG): the members, not the
			// suppliers or the office.
			pages = max(1, (env.Data.MemberCount()+49)/50)
			res, err := env.Client().Get(ctx, "/api/v1/organisations?limit=50", "Authorization", "Bearer "+token)
			if err != nil {
				return err
			}
			if err := res.Expect(200); err != nil {
				return err
			}
			var list struct{ Total int }
			if err := json.Unmarshal(res.Body, &list); err != nil {
				return err
			}
			if list.Total != env.Data.MemberCount() {
				return fmt.Errorf("a member's API sees %d organisations, want the %d members", list.Total, env.Data.MemberCount())
			}
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			res, err := c.Get(ctx, "/api/v1/organisations?limit=50&offset="+strconv.Itoa(50*(i%pages)), "Authorization", "Bearer "+token)
			if err != nil {
				return err
			}
			return res.Expect(200)
		}}
}
