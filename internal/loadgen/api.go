package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// The REST API's scenarios: an integration (a phone system, a chatbot)
// with one bearer token, no session. They run as the plan's APIToken.

// apiSend sends one API request with the plan's token; a POST carries a
// fresh Idempotency-Key, as a well-behaved client's would.
func (d *driver) apiSend(ctx context.Context, method, path string, body []byte) (response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.plan.BaseURL+d.tenantPath("/api/v1"+path), rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Authorization", "Bearer "+d.plan.APIToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", formKey())
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	out := response{status: resp.StatusCode, location: resp.Header.Get("Location")}
	_, err = io.Copy(io.Discard, resp.Body)
	return out, err
}

// apiCreate opens a phone ticket for one of the desk's customers, with
// its call, as a phone system would.
func (d *driver) apiCreate(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	n := d.seq.Add(1)
	email := d.plan.Customers[v.rng.IntN(len(d.plan.Customers))]
	body := fmt.Appendf(nil, `{"subject":"Llamada: el router no conecta (ref. %d)",`+
		`"description":"El cliente llama: sin conexión desde esta mañana.","requester":{"email":%s},`+
		`"channel":"phone","phone":{"caller_number":"+34 600 000 %03d","duration_seconds":%d}}`,
		n, strconv.Quote(email), n%1000, 60+n%600)
	r, err := d.apiSend(ctx, http.MethodPost, "/tickets", body)
	d.record(rec, "api_create", r, err, http.StatusCreated, start)
}

// apiList reads the first page of the desk's tickets (50, most recently
// updated first), as an integration syncing them would.
func (d *driver) apiList(ctx context.Context, v *vu, rec *recorder, start time.Time) {
	r, err := d.apiSend(ctx, http.MethodGet, "/tickets", nil)
	d.record(rec, "api_list", r, err, http.StatusOK, start)
}
