package agreement

import (
	"strings"
	"sync"
	"testing"

	"kopit/internal/platform/db"
	"kopit/internal/platform/errs"
	"kopit/internal/platform/testkit"
)

// TestAgreementStatusChanges: the office suspends, resumes and ends an
// agreement, each with a reason that is recorded, audited and mailed to the
// entitled members and the supplier; a call-off while suspended or ended is
// refused with the date and the reason and reserves nothing; wrong moves
// (resume an active agreement, end an ended one, no reason, a member trying)
// are refused and change nothing.
func TestAgreementStatusChanges(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		buyer := actor("org-a", "member_buyer")
		status := func() Status {
			var s Status
			if err := d.QueryRowContext(ctx, "SELECT status FROM agreements WHERE id = ?", f.ag.ID).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		audits := auditRows(t, d)
		refused := []struct {
			name   string
			who    any
			action StatusAction
			reason string
			code   errs.Code
			key    string
		}{
			{"resume an active agreement", office, Resume, "weil", errs.Conflict, "agreement.error.not_suspended"},
			{"suspend without a reason", office, Suspend, "   ", errs.Invalid, ""},
			{"a member suspends", buyer, Suspend, "weil", errs.Forbidden, ""},
			{"an unknown action", office, StatusAction("pause"), "weil", errs.NotFound, ""},
		}
		for _, r := range refused {
			a := office
			if r.who == buyer {
				a = buyer
			}
			_, err := f.svc.ChangeStatus(ctx, a, f.ag.ID, r.action, r.reason)
			e, _ := errs.As(err)
			if errs.CodeOf(err) != r.code || (r.key != "" && e.Key != r.key) {
				t.Errorf("%s: %v, want %s %s", r.name, err, r.code, r.key)
			}
		}
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Suspend, strings.Repeat("x", maxReason+1)); !hasField(err, "reason") {
			t.Errorf("an over-long reason: %v", err)
		}
		if status() != Active || auditRows(t, d) != audits {
			t.Fatalf("refused changes changed something: %s, %d → %d audit entries", status(), audits, auditRows(t, d))
		}

		// Suspend: mails go to both entitled members, the supplier and the
		// agreement's contact person.
		before := len(f.mails.sent)
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Suspend, "Lieferengpass beim Hersteller"); err != nil {
			t.Fatal(err)
		}
		if status() != Suspended || auditRows(t, d) != audits+1 {
			t.Fatalf("after suspend: %s, %d audit entries", status(), auditRows(t, d))
		}
		for _, addr := range []string{"einkauf@org-a.example", "einkauf@org-b.example", "vertrieb@muster-it.example", "erika.muster@muster-it.example"} {
			if f.mails.to(addr) == 0 {
				t.Errorf("no mail to %s", addr)
			}
		}
		if f.mails.to("einkauf@org-c.example") != 0 {
			t.Error("a member that is not entitled was mailed")
		}
		if len(f.mails.sent)-before != 4 {
			t.Errorf("%d mails, want 4: %v", len(f.mails.sent)-before, f.mails.sent[before:])
		}
		called, _, _, _ := totals(t, d, f.ag.ID)
		_, err := f.svc.SubmitCallOff(ctx, buyer, order1(f, f.items[0], "1"))
		if e, _ := errs.As(err); e == nil || e.Key != "calloff.error.suspended" || !strings.Contains(f.svc.cat.T("de", e.Key, e.Args...), "Lieferengpass") {
			t.Errorf("call-off while suspended: %v", err)
		}
		if again, _, _, _ := totals(t, d, f.ag.ID); again != called {
			t.Errorf("a refused call-off reserved %d cents", again-called)
		}
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Suspend, "nochmal"); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("suspend twice: %v", err)
		}

		// Resume: call-offs work again.
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Resume, "Ware wieder lieferbar"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SubmitCallOff(ctx, buyer, order1(f, f.items[0], "1")); err != nil {
			t.Errorf("call-off after resume: %v", err)
		}

		// Two offices end it at the same moment: exactly one wins.
		var wg sync.WaitGroup
		errsCh := make(chan error, 2)
		for range 2 {
			wg.Go(func() {
				_, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, End, "Kündigung aus wichtigem Grund")
				errsCh <- err
			})
		}
		wg.Wait()
		close(errsCh)
		won := 0
		for err := range errsCh {
			if err == nil {
				won++
			} else if e, _ := errs.As(err); e == nil || e.Key != "agreement.error.already_ended" {
				t.Errorf("the losing end: %v", err)
			}
		}
		if won != 1 || status() != Ended {
			t.Fatalf("%d ends won, status %s", won, status())
		}
		for _, act := range StatusActions {
			if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, act, "weil"); errs.CodeOf(err) != errs.Conflict {
				t.Errorf("%s an ended agreement: %v", act, err)
			}
		}
		_, err = f.svc.SubmitCallOff(ctx, buyer, order1(f, f.items[0], "1"))
		if e, _ := errs.As(err); e == nil || e.Key != "calloff.error.ended" {
			t.Errorf("call-off after the end: %v", err)
		}
		hist, err := f.svc.StatusHistory(ctx, buyer, f.ag.ID)
		if err != nil || len(hist) != 3 || hist[0].To != Ended || hist[2].Reason != "Lieferengpass beim Hersteller" {
			t.Errorf("history: %+v %v", hist, err)
		}
		if _, err := f.svc.StatusHistory(ctx, actor("org-c", "member_buyer"), f.ag.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("history for a member not entitled: %v", err)
		}
	})
}

func hasField(err error, field string) bool {
	e, ok := errs.As(err)
	return ok && e.Code == errs.Invalid && e.Fields[field] != ""
}

// TestReportPeriod: months are YYYY-MM, the first not after the last, both
// bounds inclusive and either may be open.
func TestReportPeriod(t *testing.T) {
	for _, c := range []struct {
		from, to string
		field    string // the field with the error, "" when valid
	}{
		{"", "", ""},
		{"2026-01", "2026-12", ""},
		{"2026-05", "2026-05", ""},
		{"2026-12", "2026-01", "to"},
		{"2026-13", "", "from"},
		{"", "26-01", "to"},
		{"2026-1", "", "from"},
	} {
		_, err := ParsePeriod(c.from, c.to)
		if (c.field == "") != (err == nil) || (c.field != "" && !hasField(err, c.field)) {
			t.Errorf("%q–%q: %v, want an error at %q", c.from, c.to, err, c.field)
		}
	}
	p := Period{From: "2026-02", To: "2026-04"}
	for month, want := range map[string]bool{"2026-01": false, "2026-02": true, "2026-04": true, "2026-05": false} {
		if p.Contains(month) != want {
			t.Errorf("%s in %+v: %v", month, p, !want)
		}
	}
}

// TestApprovalRefusedWhileSuspended: a call-off waiting for its second
// approval cannot be approved (and so sent to the supplier) while the
// agreement is suspended; after the resumption it can.
func TestApprovalRefusedWhileSuspended(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		if _, err := f.svc.SaveSettings(ctx, actor("org-a", "member_admin"), "500", ""); err != nil {
			t.Fatal(err)
		}
		c, err := f.svc.SubmitCallOff(ctx, actor("org-a", "member_buyer"), order1(f, f.items[0], "1"))
		if err != nil || c.Status != AwaitingApproval {
			t.Fatalf("call-off: %+v %v", c, err)
		}
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Suspend, "Prüfung der Preise"); err != nil {
			t.Fatal(err)
		}
		approver := actor("org-a", "member_buyer")
		// The check is part of the approval's transaction, not only of the page's wrapper.
		if err := f.svc.Approve(ctx, approver, c.ID); errs.CodeOf(err) != errs.Conflict {
			t.Errorf("Approve while suspended: %v", err)
		}
		err = f.svc.ApproveCallOff(ctx, approver, c.ID)
		if e, _ := errs.As(err); e == nil || e.Key != "calloff.error.suspended" {
			t.Errorf("approval while suspended: %v", err)
		}
		var st CallOffStatus
		if err := d.QueryRowContext(ctx, "SELECT status FROM calloffs WHERE id = ?", c.ID).Scan(&st); err != nil || st != AwaitingApproval {
			t.Errorf("call-off after the refused approval: %s %v", st, err)
		}
		if _, err := f.svc.ChangeStatus(ctx, office, f.ag.ID, Resume, "Preise geprüft"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ApproveCallOff(ctx, approver, c.ID); err != nil {
			t.Errorf("approval after the resumption: %v", err)
		}
	})
}
