package brokering

import (
	"context"
	"database/sql"
	"slices"

	"kopit/internal/platform/clock"
)

// Market is the office's view of the whole market: the catalogue, the
// inquiries waiting for someone and the volume brokered (accepted offers)
// per month of acceptance and per category.
type Market struct {
	Published, Withdrawn, Providers int
	Open, Offered                   int // inquiries waiting for the provider, for the member
	Accepted, Declined, Refused     int
	AcceptedCents                   int64
	PerMonth                        []Volume // oldest first
	PerCategory                     []Volume // in category order, only categories with inquiries
}

// Volume is the brokered volume of a month ("2026-03") or category.
type Volume struct {
	Key       string
	Inquiries int // inquiries sent (per category) or offers accepted (per month)
	Accepted  int
	Cents     int64
}

// Market computes the market figures from the stored inquiries and offers;
// nothing is kept that could drift.
func (s *Service) Market(ctx context.Context) (Market, error) {
	var m Market
	if err := s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END), 0),
		COUNT(DISTINCT CASE WHEN status = 'published' THEN provider_org_id END)
		FROM brokering_services`).Scan(&m.Published, &m.Withdrawn, &m.Providers); err != nil {
		return m, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.category, i.status, COALESCE(o.total_cents, 0), o.decided_at
		FROM brokering_inquiries i LEFT JOIN brokering_offers o ON o.inquiry_id = i.id`)
	if err != nil {
		return m, err
	}
	defer rows.Close()
	months := map[string]*Volume{}
	cats := map[Category]*Volume{}
	for rows.Next() {
		var cat Category
		var st InquiryStatus
		var cents int64
		var decided sql.NullTime
		if err := rows.Scan(&cat, &st, &cents, &decided); err != nil {
			return m, err
		}
		c := cats[cat]
		if c == nil {
			c = &Volume{Key: string(cat)}
			cats[cat] = c
		}
		c.Inquiries++
		switch st {
		case Open:
			m.Open++
		case Offered:
			m.Offered++
		case Declined:
			m.Declined++
		case Refused:
			m.Refused++
		case Accepted:
			m.Accepted++
			m.AcceptedCents += cents
			c.Accepted++
			c.Cents += cents
			if decided.Valid {
				key := decided.Time.In(clock.Berlin).Format("2006-01")
				mv := months[key]
				if mv == nil {
					mv = &Volume{Key: key}
					months[key] = mv
				}
				mv.Accepted++
				mv.Cents += cents
			}
		}
	}
	if err := rows.Err(); err != nil {
		return m, err
	}
	for _, v := range months {
		m.PerMonth = append(m.PerMonth, *v)
	}
	slices.SortFunc(m.PerMonth, func(a, b Volume) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	for _, c := range Categories {
		if v := cats[c]; v != nil {
			m.PerCategory = append(m.PerCategory, *v)
		}
	}
	return m, nil
}

// Bar is one bar of the volume chart, in SVG user units.
type Bar struct {
	Label      string
	Cents      int64
	X, Y, W, H int
	LabelX     int
}

// Chart lays out the volume per month as bars: ChartWidth × ChartHeight,
// the tallest bar filling the plot area.
func Chart(vs []Volume) []Bar {
	if len(vs) == 0 {
		return nil
	}
	var top int64
	for _, v := range vs {
		top = max(top, v.Cents)
	}
	slot := (ChartWidth - 2*chartPad) / len(vs)
	w := max(slot*2/3, 4)
	plot := ChartHeight - 2*chartPad
	out := make([]Bar, len(vs))
	for i, v := range vs {
		h := 0
		if top > 0 {
			h = int(v.Cents * int64(plot) / top)
		}
		x := chartPad + i*slot + (slot-w)/2
		out[i] = Bar{Label: v.Key, Cents: v.Cents, X: x, W: w, H: h, Y: ChartHeight - chartPad - h, LabelX: x + w/2}
	}
	return out
}

// The chart's size in SVG user units.
const (
	ChartWidth  = 640
	ChartHeight = 240
	chartPad    = 24
)
