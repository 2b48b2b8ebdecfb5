package member

import "net/http"

func (h *Handlers) showRegisterSupplier(w http.ResponseWriter, r *http.Request) error {
	p := h.web.NewPage(r, "supplier.title")
	p.Data = orgFormData{Sizes: Sizes}
	h.web.Render(w, r, http.StatusOK, "supplier_register", p)
	return nil
}

func (h *Handlers) registerSupplier(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostFormValue
	err := h.svc.RegisterSupplier(r.Context(), SupplierInput{OrgName: f("org_name"), ShortName: f("short_name"),
		Street: f("street"), Postcode: f("postcode"), City: f("city"), RegisterID: f("register_id"), NUTS: f("nuts"),
		Size: f("size"), Name: f("name"),
		Email: f("email")}, langOf(r, ""))
	if err != nil {
		p := h.web.NewPage(r, "supplier.title")
		p.Data = orgFormData{Sizes: Sizes}
		p.Form.Values = r.PostForm
		if p.SetErrors(err) {
			h.web.Render(w, r, http.StatusUnprocessableEntity, "supplier_register", p)
			return nil
		}
		return err
	}
	return h.web.Redirect(w, r, "/login", "flash.supplier_registered")
}
