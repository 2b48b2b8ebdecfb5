package web

import (
	"net/http"

	"kopit/internal/platform/errs"
)

// Rerender shows a page again after a refused form post, with what was
// typed: a conflict (409) with the error as the page's Data, for the page to
// show as one refusal; validation errors (422) at their fields. Anything else
// (404, 403, a server error) is returned for the error page. render draws the
// page with the given status.
func (s *Server) Rerender(w http.ResponseWriter, r *http.Request, titleKey string, err error, render func(code int, p *Page) error) error {
	p := s.NewPage(r, titleKey)
	if r.PostForm != nil {
		p.Form.Values = r.PostForm
	}
	if e, ok := errs.As(err); ok && e.Code == errs.Conflict {
		p.Data = err
		return render(http.StatusConflict, p)
	}
	if p.SetErrors(err) {
		return render(http.StatusUnprocessableEntity, p)
	}
	return err
}
