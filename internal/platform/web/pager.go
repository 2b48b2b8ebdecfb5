package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// PageSize is the number of rows a table shows.
const PageSize = 25

// Pager pages a table and keeps the list's filters in its links.
type Pager struct {
	Page, Size, Total int
	query             url.Values
	path              string
}

// NewPager reads ?page= from r.
func NewPager(r *http.Request) Pager {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		n = 1
	}
	return Pager{Page: n, Size: PageSize, query: r.URL.Query(), path: r.URL.Path}
}

// Offset is the first row of the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.Size }

// Pages is the number of pages.
func (p Pager) Pages() int {
	if p.Total == 0 {
		return 1
	}
	return (p.Total + p.Size - 1) / p.Size
}

// From and To are the 1-based rows shown.
func (p Pager) From() int {
	if p.Total == 0 {
		return 0
	}
	return p.Offset() + 1
}
func (p Pager) To() int { return min(p.Offset()+p.Size, p.Total) }

// HasPrev and HasNext tell whether to link neighbours.
func (p Pager) HasPrev() bool { return p.Page > 1 }
func (p Pager) HasNext() bool { return p.Page < p.Pages() }

// PrevURL and NextURL keep the filters.
func (p Pager) PrevURL() string { return p.url(p.Page - 1) }
func (p Pager) NextURL() string { return p.url(p.Page + 1) }

func (p Pager) url(n int) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.path + "?" + q.Encode()
}
