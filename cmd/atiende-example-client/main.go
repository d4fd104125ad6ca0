// Command atiende-example-client is a small Atiende API client a chatbot
// integrator can copy: it opens a ticket for a customer, follows it until
// an agent answers (or a timeout), and answers back as the customer's
// channel would.
//
//	ATIENDE_URL=http://localhost:8080/demo/api/v1 ATIENDE_TOKEN=atd_… \
//	  go run ./cmd/atiende-example-client -email ana@example.com -subject "Mi pedido no llega"
//
// The token needs tickets:read and tickets:write (create it at
// /{tenant}/admin/api). See docs/api.md.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// client talks to one desk's API with one token.
type client struct {
	base  string // e.g. http://localhost:8080/demo/api/v1
	token string
	http  *http.Client
}

// problem is the API's RFC 9457 error document.
type problem struct {
	Status int    `json:"status"`
	Title  string `json:"title"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

func (p *problem) Error() string {
	s := fmt.Sprintf("%d %s (%s)", p.Status, p.Title, p.Code)
	for _, e := range p.Errors {
		s += fmt.Sprintf("; %s: %s", e.Field, e.Message)
	}
	return s
}

// call sends in as JSON (nil: no body) and decodes the answer into out.
// POSTs carry a fresh Idempotency-Key, and are retried with the same key
// after a network error or a 5xx, so a retry never opens a second ticket.
func (c *client) call(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	key := newKey()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * time.Second)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Accept", "application/json")
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if method == http.MethodPost {
			req.Header.Set("Idempotency-Key", key)
		}
		res, err := c.http.Do(req)
		if err != nil {
			lastErr = err
			continue
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			lastErr = err
			continue
		}
		switch {
		case res.StatusCode >= 500 || res.StatusCode == http.StatusConflict && method == http.MethodPost:
			lastErr = decodeProblem(res.StatusCode, raw)
			continue
		case res.StatusCode == http.StatusTooManyRequests:
			wait, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
			lastErr = decodeProblem(res.StatusCode, raw)
			continue
		case res.StatusCode >= 400:
			return decodeProblem(res.StatusCode, raw)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(raw, out)
	}
	return lastErr
}

func decodeProblem(status int, raw []byte) error {
	p := &problem{Status: status}
	if json.Unmarshal(raw, p) != nil || p.Title == "" {
		p.Title = http.StatusText(status)
	}
	return p
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ticket is the part of the API's ticket this client reads.
type ticket struct {
	Number   int64  `json:"number"`
	Status   string `json:"status"`
	Version  int    `json:"version"`
	Comments []struct {
		Public bool   `json:"public"`
		Body   string `json:"body"`
		Author struct {
			Kind string `json:"kind"`
			Name string `json:"name"`
		} `json:"author"`
	} `json:"comments"`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("atiende-example-client", flag.ContinueOnError)
	base := fs.String("url", getenv("ATIENDE_URL"), "the desk's API base, e.g. http://localhost:8080/demo/api/v1")
	email := fs.String("email", "ana@example.com", "the customer's email (created if new)")
	name := fs.String("name", "Ana Pérez", "the customer's name")
	subject := fs.String("subject", "Consulta desde el chat", "the ticket's subject")
	message := fs.String("message", "Hola, ¿me ayudáis con mi pedido?", "the first message")
	answer := fs.String("answer", "¡Gracias! Eso lo resuelve.", "what to answer once an agent replies")
	wait := fs.Duration("wait", 2*time.Minute, "how long to follow the ticket")
	if err := fs.Parse(args); err != nil {
		return err
	}
	token := getenv("ATIENDE_TOKEN")
	if *base == "" || token == "" {
		return errors.New("set ATIENDE_URL (or -url) and ATIENDE_TOKEN")
	}
	c := &client{base: *base, token: token, http: &http.Client{Timeout: 15 * time.Second}}

	// 1. Open the ticket for the customer, as a chat channel.
	var t ticket
	err := c.call(ctx, http.MethodPost, "/tickets", map[string]any{
		"subject": *subject, "description": *message, "channel": "chat",
		"requester": map[string]string{"email": *email, "name": *name},
	}, &t)
	if err != nil {
		return fmt.Errorf("open ticket: %w", err)
	}
	fmt.Fprintf(stdout, "opened ticket %d (%s)\n", t.Number, t.Status)

	// 2. Follow it until an agent's public reply arrives (the comments so
	// far, the description included, are not answers).
	path := "/tickets/" + strconv.FormatInt(t.Number, 10)
	if err := c.call(ctx, http.MethodGet, path, nil, &t); err != nil {
		return fmt.Errorf("read ticket: %w", err)
	}
	deadline := time.Now().Add(*wait)
	seen := len(t.Comments)
	for time.Now().Before(deadline) {
		time.Sleep(5 * time.Second)
		if err := c.call(ctx, http.MethodGet, path, nil, &t); err != nil {
			return fmt.Errorf("follow ticket: %w", err)
		}
		for _, cm := range t.Comments[min(seen, len(t.Comments)):] {
			if cm.Public && cm.Author.Kind == "agent" {
				fmt.Fprintf(stdout, "%s answered: %s\n", cm.Author.Name, cm.Body)
				// 3. Relay the customer's answer: a public reply by the requester.
				if err := c.call(ctx, http.MethodPost, path+"/comments", map[string]any{"body": *answer, "public": true,
					"channel": "chat", "as_requester": true}, &t); err != nil {
					return fmt.Errorf("answer: %w", err)
				}
				fmt.Fprintf(stdout, "answered; ticket %d is %s\n", t.Number, t.Status)
				return nil
			}
		}
		seen = len(t.Comments)
		fmt.Fprintf(stdout, "ticket %d is %s; waiting for an answer…\n", t.Number, t.Status)
	}
	fmt.Fprintln(stdout, "no answer yet; follow it later with GET", path)
	return nil
}
