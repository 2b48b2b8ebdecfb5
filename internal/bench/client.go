package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Client is one simulated user agent: it sends one request at a time over
// kept-alive connections and reads every response to the end. Worker is the
// client's number (0 … clients-1).
type Client struct {
	Worker int
	base   string
	hc     *http.Client
	buf    bytes.Buffer
}

func newClient(base string, hc *http.Client, worker int) *Client {
	return &Client{Worker: worker, base: strings.TrimSuffix(base, "/"), hc: hc}
}

// NewClient is a client of the server at base that sends its requests
// through hc (which should not follow redirects: a receipt is a 303).
func NewClient(base string, hc *http.Client, worker int) *Client { return newClient(base, hc, worker) }

// Base is the server's URL the client sends to (the Origin of its forms).
func (c *Client) Base() string { return c.base }

// Response is a read response; Body is valid until the client's next request.
type Response struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
}

// Do sends a request; header is pairs of name and value.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, header ...string) (Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return Response{}, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := c.hc.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer res.Body.Close()
	c.buf.Reset()
	_, err = c.buf.ReadFrom(res.Body)
	return Response{Method: method, Path: path, Status: res.StatusCode, Header: res.Header, Body: c.buf.Bytes()}, err
}

// Get is Do with GET.
func (c *Client) Get(ctx context.Context, path string, header ...string) (Response, error) {
	return c.Do(ctx, http.MethodGet, path, nil, header...)
}

// Expect is an error unless the status is one of want; it quotes the start
// of the body to say what went wrong.
func (r Response) Expect(want ...int) error {
	if slices.Contains(want, r.Status) {
		return nil
	}
	body := string(r.Body)
	if len(body) > 200 {
		body = body[:200] + "…"
	}
	return fmt.Errorf("%s %s: status %d, want %v: %s", r.Method, r.Path, r.Status, want, strings.Join(strings.Fields(body), " "))
}
