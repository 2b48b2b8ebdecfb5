package app

import (
	"context"
	"log/slog"
)

// minLevel passes on only records at or above level: River reports routine
// work (poll mode, job counts) at Info, which would drown kopit's own log.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(attrs []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(attrs), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

func quieter(l *slog.Logger, level slog.Level) *slog.Logger {
	return slog.New(minLevel{l.Handler(), level}).With("component", "jobs")
}
