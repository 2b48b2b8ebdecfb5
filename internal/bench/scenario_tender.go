package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"kopit/internal/platform/clock"
)

// htmlTenders: the office's tender list (every tender of the dataset, the
// public ones with their status) as the procurement manager.
func htmlTenders() *Scenario {
	sc := htmlPage("html_tenders", "GET /tenders (the office's list of every tender) as the procurement manager",
		func(env *Env) func(int) string { return func(int) string { return "/tenders" } },
		func(env *Env, body []byte) error {
			if env.Data.Tenders == nil {
				return errors.New("the dataset has no tenders (scale tenders=0)")
			}
			for _, id := range env.Data.Tenders.IDs {
				if !bytes.Contains(body, []byte(`href="/tenders/`+id+`"`)) {
					return fmt.Errorf("the tender list lacks tender %s", id)
				}
			}
			return nil
		})
	sc.Module = "tender"
	return sc
}

// bidDocBytes is the size of the document every bid carries, bidClients the
// suppliers sending at once: the 1 MiB and 64 clients.
const (
	bidDocBytes = 1 << 20
	bidClients  = 64
)

// bidBurst: suppliers submit sealed bids to one tender in the last hours
// before its deadline, each with a price sheet and a 1 MiB document, as the
// bid form posts them (multipart, streamed and encrypted by the server on
// arrival). Request i is bidder i / tenderLots on lot i % tenderLots: every
// accepted bid is a different bid.
//
// Invariants afterwards: the harness opens the tender as the two office
// users would after the deadline (four eyes, the service's own opening), and
// the opening record must list exactly the bids that got a receipt, each
// once, decrypted intact (its content matches the receipt's SHA-256) and
// with the total of the prices that were sent.
func bidBurst() *Scenario {
	type sent struct {
		bidID string
		total int64
	}
	var (
		mu        sync.Mutex
		accepted  = map[int]sent{} // request → what it got a receipt for
		uncertain int              // requests that failed in transit
		sessions  []string
		doc       []byte
		path      string
		td        *TenderData
	)
	return &Scenario{Name: "bid_burst", Module: "tender",
		Doc:    "POST /ausschreibungen/{id}/bid (multipart: price sheet and a 1 MiB PDF, sealed on arrival) by a different bidder and lot each",
		Target: &Target{Label: "bids p99 < 1 s", P99: time.Second},
		Load:   Load{Counted: true, Requests: func(s Scale) int { return s.Bids }, Clients: bidClients},
		Setup: func(ctx context.Context, env *Env) error {
			td = env.Data.Tenders
			if td == nil || len(td.Bidders) == 0 {
				return errors.New("the dataset has no tender to bid on (scale tenders=0 or bids=0)")
			}
			path = BidPath(td)
			sessions = make([]string, len(td.Bidders))
			for i, b := range td.Bidders {
				var err error
				if sessions[i], err = env.Session(ctx, b.Email); err != nil {
					return err
				}
			}
			doc = BidDocument(bidDocBytes)
			return nil
		},
		Run: func(ctx context.Context, c *Client, i int) error {
			bidder := i / tenderLots
			if bidder >= len(sessions) {
				return fmt.Errorf("request %d: only %d bidders", i, len(sessions))
			}
			body, contentType, total, err := BidForm(td, i, doc)
			if err != nil {
				return err
			}
			res, err := c.Do(ctx, http.MethodPost, path, body, "Cookie", Cookie(sessions[bidder]),
				"Content-Type", contentType, "Origin", c.base)
			if err != nil {
				mu.Lock()
				uncertain++
				mu.Unlock()
				return err
			}
			if err := res.Expect(http.StatusSeeOther); err != nil {
				return err
			}
			bidID, ok := strings.CutPrefix(res.Header.Get("Location"), "/bids/")
			if !ok {
				return fmt.Errorf("bid %d: redirected to %q, not to its receipt", i, res.Header.Get("Location"))
			}
			mu.Lock()
			accepted[i] = sent{bidID: bidID, total: total}
			mu.Unlock()
			return nil
		},
		Check: func(ctx context.Context, env *Env) error {
			after := env.App.Tenders.WithClock(clock.NewFixed(td.Burst.Deadline.Add(time.Minute)))
			for _, u := range []User{env.Data.Manager, env.Data.Admin} {
				a, err := env.App.Members.Store().Actor(ctx, u.ID)
				if err != nil {
					return err
				}
				r, err := after.ConfirmOpening(ctx, a, td.Burst.ID)
				if err != nil {
					return fmt.Errorf("opening by %s: %w", u.Email, err)
				}
				if r == nil {
					continue // the first confirmation
				}
				var problems []error
				rows := map[string]int{}
				totals := map[string]int64{}
				for _, row := range r.Rows {
					rows[row.BidID]++
					totals[row.BidID] = row.TotalCents
					if !row.Intact {
						problems = append(problems, fmt.Errorf("bid %s (receipt %s) does not decrypt to the content of its receipt", row.BidID, row.ReceiptNo))
					}
				}
				for i, s := range accepted {
					switch n := rows[s.bidID]; {
					case n == 0:
						problems = append(problems, fmt.Errorf("request %d got receipt %s, but the opening record lacks the bid", i, s.bidID))
					case n > 1:
						problems = append(problems, fmt.Errorf("bid %s is %d times in the opening record", s.bidID, n))
					case totals[s.bidID] != s.total:
						problems = append(problems, fmt.Errorf("bid %s: the opening record's total is %d ct, the prices sent give %d ct", s.bidID, totals[s.bidID], s.total))
					}
				}
				if extra := len(r.Rows) - len(accepted); extra < 0 || extra > uncertain {
					problems = append(problems, fmt.Errorf("the opening record lists %d bids, %d got a receipt (%d failed in transit)", len(r.Rows), len(accepted), uncertain))
				}
				if len(accepted) == 0 {
					problems = append(problems, errors.New("no bid was accepted"))
				}
				if len(problems) > 5 {
					problems = append(problems[:5], fmt.Errorf("… and %d more", len(problems)-5))
				}
				return errors.Join(problems...)
			}
			return errors.New("two confirmations did not open the tender")
		}}
}

// BidDocument is a bid's attached document of n bytes: a PDF header, then
// incompressible bytes, so the document is sniffed as PDF and encryption and
// hashing see real work. The same n gives the same bytes.
func BidDocument(n int) []byte {
	doc := make([]byte, n)
	copy(doc, "%PDF-1.7\n% Angebotsunterlagen (Benchmark)\n")
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := 64; i < len(doc); i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8 && i+k < len(doc); k++ {
			doc[i+k] = byte(v >> (8 * k))
		}
	}
	return doc
}

// BidPath is where the bid form of the dataset's burst tender posts.
func BidPath(td *TenderData) string { return "/ausschreibungen/" + td.Burst.ID + "/bid" }

// BidForm is request i of a bid burst as the bid form posts it (multipart:
// the lot, a price sheet and doc as the PDF): bidder i / BidLots on lot
// i % BidLots, so that every i is a different bid. It returns the body, its
// content type and the total of the prices in cents (prices × quantities),
// which the opening record must show.
func BidForm(td *TenderData, i int, doc []byte) (body []byte, contentType string, totalCents int64, err error) {
	lot := td.Burst.Lots[i%BidLots]
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("lot", lot.ID)
	for k, it := range lot.Items {
		cents := int64(10_000 + (i*37+k*101)%90_000) // 100,00 € to 999,99 €
		totalCents += cents * int64(td.Items[it.ID])
		_ = w.WriteField("price-"+it.ID, strconv.FormatInt(cents/100, 10)+","+fmt.Sprintf("%02d", cents%100))
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="documents"; filename="angebot-`+strconv.Itoa(i)+`.pdf"`)
	h.Set("Content-Type", "application/pdf")
	part, err := w.CreatePart(h)
	if err != nil {
		return nil, "", 0, err
	}
	if _, err := part.Write(doc); err != nil {
		return nil, "", 0, err
	}
	if err := w.Close(); err != nil {
		return nil, "", 0, err
	}
	return b.Bytes(), w.FormDataContentType(), totalCents, nil
}
