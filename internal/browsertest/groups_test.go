package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"kopit/internal/demo"
	"kopit/internal/platform/mail"
)

// groupMail waits for a mail to the recipient whose subject and body hold
// the given texts (the demo's own mails go to the same people).
func (c *mailCapture) groupMail(ctx context.Context, to, subject, body string) (mail.Message, error) {
	for {
		c.mu.Lock()
		for _, m := range c.msgs {
			if m.To == to && strings.Contains(m.Subject, subject) && strings.Contains(m.Body, body) {
				c.mu.Unlock()
				return m, nil
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return mail.Message{}, fmt.Errorf("no mail to %s about %q: %w", to, subject, ctx.Err())
		}
	}
}

// TestWorkingGroupJourney is issue 7's knowledge exchange: a member joins an
// open working group and opens a thread; another member gets the mail and
// replies, and the first one is told; a group-only article stays invisible
// to a member outside that group. axe runs on every page.
func TestWorkingGroupJourney(t *testing.T) {
	forEachDB(t, func(t *testing.T, k *kopit) {
		ctx := context.Background()
		gs, err := k.App.Groups.Store().Groups(ctx, k.App.DB)
		if err != nil {
			t.Fatal(err)
		}
		var invoice, security string
		for _, g := range gs {
			switch g.Title {
			case demo.GroupInvoice:
				invoice = "/groups/" + g.ID
			case demo.GroupSecurity:
				security = "/groups/" + g.ID
			}
		}
		var article string
		if err := k.App.DB.QueryRowContext(ctx, "SELECT id FROM knowledge_articles WHERE title = ?", demo.GroupArticle).Scan(&article); err != nil {
			t.Fatal(err)
		}
		article = "/knowledge/" + article
		const title = "Eingangskanal für E-Rechnungen per E-Mail"

		m := k.openWithin(t, 3*time.Minute)
		m.login("einkauf@kassel.example", demo.Password)
		m.visit("/groups", "working groups", 200)
		m.submit(`a[href="`+invoice+`"]`, "an open group before joining", 200)
		if n := eval[int](m, `document.querySelectorAll("#threads-h").length`); n != 0 {
			t.Error("threads shown before joining")
		}
		m.submit(`form[action="`+invoice+`/join"] button`, "the group after joining", 200)
		m.submit(`form[action="`+invoice+`/threads"] button`, "new thread with errors", 422)
		m.expectText("#f-title-error", "Bitte ausfüllen")
		m.expectText("#f-body-error", "Bitte ausfüllen")
		m.fill("#f-title", title)
		m.fill("#f-body", "Wer nimmt Rechnungen **per E-Mail** an?\n\n<script>alert(1)</script>\n\n- Postfach\n- Peppol")
		m.submit(`form[action="`+invoice+`/threads"] button`, "the new thread", 200)
		thread := m.path()
		if !strings.HasPrefix(thread, invoice+"/threads/") {
			t.Fatalf("after starting the thread: %s", thread)
		}
		if n := eval[int](m, `document.querySelectorAll("main script, main strong").length`); n != 1 {
			t.Errorf("rendered post: %d script or strong elements, want only the strong one", n)
		}
		waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		mail, err := k.Mail.groupMail(waitCtx, "einkauf@hzd.example", "neue Diskussion", title)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(mail.Body, k.URL+thread) {
			t.Errorf("the mail does not link the thread: %s", mail.Body)
		}
		// The group-only article of a group Kassel is not in: not listed,
		// not found.
		m.visit("/knowledge", "knowledge base (outside the security group)", 200)
		if strings.Contains(m.text("main"), demo.GroupArticle) {
			t.Error("the group-only article is listed to a member outside the group")
		}
		m.visit(article, "a group-only article (outsider)", 404)
		m.visit(security, "a closed group (outsider)", 200)
		if strings.Contains(m.text("main"), "Notfallübung") {
			t.Error("a closed group's threads are shown to an outsider")
		}
		m.logout()

		r := k.openWithin(t, 2*time.Minute)
		r.login("einkauf@hzd.example", demo.Password)
		r.visit(thread, "the thread (another member)", 200)
		r.submit(`form[action="`+thread+`/posts"] button`, "empty reply", 422)
		r.expectText("#f-body-error", "Bitte ausfüllen")
		r.fill("#f-body", "Wir nehmen E-Mail und Peppol an; das Postfach prüft die Rechnung gegen die XRechnung-Regeln.")
		r.submit(`form[action="`+thread+`/posts"] button`, "the thread with the reply", 200)
		if posts := r.texts("ol.thread > li"); len(posts) != 2 || !strings.Contains(posts[1], "Peppol an") {
			t.Errorf("posts: %q", posts)
		}
		r.visit(invoice, "the group with the new thread", 200)
		if first := r.text("#threads-h + div tbody tr td"); first != title {
			t.Errorf("latest thread first: got %q", first)
		}
		r.logout()
		if _, err := k.Mail.groupMail(waitCtx, "einkauf@kassel.example", "neue Antwort", title); err != nil {
			t.Error(err)
		}

		// A member of the security group reads its article; the office
		// writes articles with a visibility.
		s := k.openWithin(t, time.Minute)
		s.login("admin@ekom21.example", demo.Password)
		s.visit(article, "a group-only article (member)", 200)
		s.submit(`a[href="/knowledge?tag=meldepflicht"]`, "articles by tag", 200)
		if !strings.Contains(s.text("main"), demo.GroupArticle) {
			t.Error("tag filter misses the group's article")
		}
		s.logout()
		l := k.openWithin(t, time.Minute)
		l.login("recht@kop-it.example", demo.Password)
		l.visit("/knowledge", "knowledge base (office)", 200)
		l.submit(`form[action="/knowledge"][method="post"] button`, "new article with errors", 422)
		l.visit(article, "a group-only article (office)", 200)
	})
}
