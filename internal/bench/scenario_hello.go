package bench

import "context"

// hello is the baseline: the same client against net/http's hello world, the
// ceiling every kopit figure is compared with.
func hello() *Scenario {
	return &Scenario{Name: "hello", Module: "baseline", Doc: "GET / from a plain net/http hello-world server (the ceiling)",
		Run: func(ctx context.Context, c *Client, i int) error {
			res, err := c.Get(ctx, "/")
			if err != nil {
				return err
			}
			return res.Expect(200)
		}}
}
