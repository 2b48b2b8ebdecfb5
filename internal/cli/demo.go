package cli

import (
	"context"
	"io"

	"kopit/internal/app"
	"kopit/internal/demo"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	c, ok := loadConfig(stderr)
	if !ok {
		return exitUsage
	}
	fs := newFlags("demo", "demo [--data DIR]", stdout, stderr)
	c.DataFlags(fs)
	if code, done := parse(fs, args); done {
		return code
	}
	return withApp(c, stderr, func(ctx context.Context, a *app.App) int {
		res, err := demo.Load(ctx, a)
		if err != nil {
			explain(stderr, err)
			return exitProblem
		}
		printLogins(stdout, res, c)
		return exitOK
	})
}
