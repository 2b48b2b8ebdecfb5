package browsertest

import (
	"context"
	"fmt"

	"github.com/chromedp/chromedp"
)

// clickCSS clicks the first element matching sel (waits until it is visible).
func clickCSS(sel string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(sel)) }

// waitVisible waits until an element matching sel is visible.
func waitVisible(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.WaitVisible(chromedp.CSS(sel))
}

// chooseOption selects the option of a select whose label is label, as a
// user picking it from the list would.
func chooseOption(sel, label string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := chromedp.WaitVisible(chromedp.CSS(sel))(ctx, t); err != nil {
			return err
		}
		ok, err := chromedp.Evaluate[bool](`(() => {
			const s = document.querySelector(`+js(sel)+`);
			const o = [...s.options].find(o => o.textContent.trim() === `+js(label)+`);
			if (!o) return false;
			s.value = o.value;
			s.dispatchEvent(new Event("input", {bubbles: true}));
			s.dispatchEvent(new Event("change", {bubbles: true}));
			return true;
		})()`)(ctx, t)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%s has no option %q", sel, label)
		}
		return nil
	})
}
