package demand

import (
	"fmt"
	"html/template"
	"strings"
)

// BarChart draws one horizontal bar per row as SVG, with a <title> and a
// <desc>; the page shows the same figures in a table next to it. Values are
// cents; labels are already formatted.
type BarChart struct {
	Title  string
	Desc   string
	Rows   []BarRow
	Width  int
	RowGap int
}

// BarRow is one bar.
type BarRow struct {
	Label, ValueText string
	Cents            int64
}

// SVG renders the chart. Text is escaped; nothing from users reaches
// attributes unescaped.
func (c BarChart) SVG() template.HTML {
	const labelW, barH, textW = 220, 22, 140
	width := c.Width
	if width == 0 {
		width = 720
	}
	gap := c.RowGap
	if gap == 0 {
		gap = 10
	}
	var maxV int64 = 1
	for _, r := range c.Rows {
		maxV = max(maxV, r.Cents)
	}
	barMax := width - labelW - textW
	height := len(c.Rows)*(barH+gap) + gap
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="chart-title chart-desc" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, template.HTMLEscapeString(c.Title), template.HTMLEscapeString(c.Desc))
	for i, r := range c.Rows {
		y := gap + i*(barH+gap)
		w := int(int64(barMax) * r.Cents / maxV)
		if r.Cents > 0 && w < 2 {
			w = 2
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-size="14" fill="#171a2b">%s</text>`, labelW-8, y+barH-6, template.HTMLEscapeString(r.Label))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#1d4ed8"></rect>`, labelW, y, w, barH)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" fill="#171a2b">%s</text>`, labelW+w+6, y+barH-6, template.HTMLEscapeString(r.ValueText))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
