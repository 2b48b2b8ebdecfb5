package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	"kopit/internal/platform/mail"
)

// mailCapture is the outbox's mail.Sender in the tests: it keeps every mail
// and wakes whoever waits for one.
type mailCapture struct {
	mu      sync.Mutex
	msgs    []mail.Message
	arrived chan struct{} // closed (and replaced) when a mail arrives
}

func newMailCapture() *mailCapture { return &mailCapture{arrived: make(chan struct{})} }

// Send records m.
func (c *mailCapture) Send(_ context.Context, _ string, m mail.Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, m)
	close(c.arrived)
	c.arrived = make(chan struct{})
	return nil
}

// waitFor returns the first mail to the recipient, waiting until the outbox
// worker delivered it or ctx ends.
func (c *mailCapture) waitFor(ctx context.Context, to string) (mail.Message, error) {
	for {
		c.mu.Lock()
		for _, m := range c.msgs {
			if m.To == to {
				c.mu.Unlock()
				return m, nil
			}
		}
		arrived := c.arrived
		c.mu.Unlock()
		select {
		case <-arrived:
		case <-ctx.Done():
			return mail.Message{}, fmt.Errorf("no mail to %s: %w", to, ctx.Err())
		}
	}
}

// linkRE finds kopit's password links (invitation and reset) in a mail body.
var linkRE = regexp.MustCompile(`https?://\S+/password/set\?purpose=(?:invite|reset)&token=\S+`)

// passwordLink returns the set-password link of a mail.
func passwordLink(m mail.Message) (string, error) {
	link := linkRE.FindString(m.Body)
	if link == "" {
		return "", fmt.Errorf("no password link in mail %q:\n%s", m.Subject, m.Body)
	}
	return link, nil
}
