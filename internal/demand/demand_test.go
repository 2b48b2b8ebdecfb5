package demand

import (
	"testing"

	"kopit/internal/cpv"
	"kopit/internal/platform/errs"
)

// § 21 Abs. 6 VgV: a framework agreement runs at most four years, options
// included.
func TestProjectTermLimit(t *testing.T) {
	vocab, err := cpv.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		months, options string
		field           string
	}{
		{"48", "0", ""},
		{"36", "12", ""},
		{"49", "0", "framework_months"},
		{"36", "13", "option_months"},
		{"0", "0", "framework_months"},
		{"vier", "0", "framework_months"},
	}
	for _, c := range cases {
		_, err := ProjectInput{Title: "X", Nature: "supplies", CPVMain: "30213100-6", FrameworkMonths: c.months, OptionMonths: c.options}.Validate(vocab)
		e, _ := errs.As(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s+%s: unexpected %v", c.months, c.options, err)
		case c.field != "" && (e == nil || e.Fields[c.field] == ""):
			t.Errorf("%s+%s: want an error at %s, got %v", c.months, c.options, c.field, err)
		}
	}
}
