package bench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"html"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/atiende/atiende/internal/server"
)

// The bare page floor: the least a queue page can cost on this machine
// with this schema. A chi handler on a pgx pool (same role, same pool size
// and settings as the server) reads the session row of the request's
// cookie, finds the tenant by its slug, then in one batch sets the tenant
// and runs the "mine" view's keyset query, and writes the 50 rows as HTML
// by hand. No sidebar, no counts, no filters, no templates: what is left
// is the HTTP stack, three round trips and the rows. Atiende's queue page
// is measured against it in the same run (the ratio in the report).

// FloorList is the "mine" view's page with the columns the console shows:
// the same keyset order and index as the product's query. Exported for the
// store's explain test, which compares the product's list with it.
const FloorList = `SELECT t.number, t.subject, t.status, t.priority, t.updated_at,
	coalesce(r.name, t.guest_name, ''), coalesce(g.name, '')
FROM tickets t
LEFT JOIN LATERAL (SELECT u.name FROM users u WHERE u.tenant_id = t.tenant_id AND u.id = t.requester_id) r ON true
LEFT JOIN LATERAL (SELECT g.name FROM groups g WHERE g.tenant_id = t.tenant_id AND g.id = t.group_id) g ON true
WHERE t.tenant_id = $1 AND t.status IN ('new', 'open', 'pending', 'on_hold') AND t.assignee_id = $2
ORDER BY t.updated_at DESC, t.id DESC
LIMIT 51`

var floorBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// floorPage serves the bare page at /{tenant}/agent/ on a free loopback
// address and returns its base URL and a stop function.
func floorPage(ctx context.Context, dbURL string, maxConns int32) (string, func(), error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return "", nil, err
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return "", nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		pool.Close()
		return "", nil, err
	}
	r := chi.NewRouter()
	r.Get("/{tenant}/agent/", func(w http.ResponseWriter, r *http.Request) {
		if err := servePage(r.Context(), pool, w, r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	l, err := net.Listen("tcp", addr)
	if err != nil {
		pool.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(l) }()
	return "http://" + addr, func() { _ = srv.Close(); pool.Close() }, nil
}

func servePage(ctx context.Context, pool *pgxpool.Pool, w http.ResponseWriter, r *http.Request) error {
	ck, err := r.Cookie(sessionCookieName)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(ck.Value))
	var data []byte
	err = pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry`,
		base64.RawURLEncoding.EncodeToString(sum[:])).Scan(&data)
	if err != nil {
		return err
	}
	// The server's codec: the rows are the server's sessions.
	_, vals, err := server.SessionCodec{}.Decode(data)
	if err != nil {
		return err
	}
	tenantID, _ := vals["tenant_id"].(int64)
	userID, _ := vals["user_id"].(int64)
	var tenant int64
	if err := pool.QueryRow(ctx, `SELECT id FROM tenants WHERE slug = $1`, chi.URLParam(r, "tenant")).Scan(&tenant); err != nil {
		return err
	}
	if tenant != tenantID {
		return errors.New("floor: session of another tenant")
	}
	buf := floorBufs.Get().(*bytes.Buffer)
	defer floorBufs.Put(buf)
	buf.Reset()
	buf.WriteString(`<!doctype html><html lang="es"><title>Mis tickets</title><body><table><tbody>`)
	b := &pgx.Batch{}
	b.Queue(`SELECT set_config('app.tenant_id', $1, true)`, strconv.FormatInt(tenant, 10))
	n := 0
	b.Queue(FloorList, tenant, userID).Query(func(rows pgx.Rows) error {
		var number int64
		var subject, status, requester, group string
		var prio int16
		var updated time.Time
		for rows.Next() {
			if err := rows.Scan(&number, &subject, &status, &prio, &updated, &requester, &group); err != nil {
				return err
			}
			if n++; n > 50 {
				continue
			}
			writeFloorRow(buf, number, subject, status, prio, updated, requester, group)
		}
		return rows.Err()
	})
	if err := pool.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	buf.WriteString("</tbody></table></body></html>")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, err = w.Write(buf.Bytes())
	return err
}

func writeFloorRow(buf *bytes.Buffer, number int64, subject, status string, prio int16, updated time.Time, requester, group string) {
	num := strconv.FormatInt(number, 10)
	buf.WriteString(`<tr><td><a href="tickets/`)
	buf.WriteString(num)
	buf.WriteString(`">#`)
	buf.WriteString(num)
	buf.WriteString(`</a></td><td>`)
	buf.WriteString(html.EscapeString(subject))
	buf.WriteString(`</td><td>`)
	buf.WriteString(html.EscapeString(requester))
	buf.WriteString(`</td><td>`)
	buf.WriteString(status)
	buf.WriteString(`</td><td>`)
	buf.WriteString(strconv.Itoa(int(prio)))
	buf.WriteString(`</td><td>`)
	buf.WriteString(html.EscapeString(group))
	buf.WriteString(`</td><td><time>`)
	buf.Write(updated.UTC().AppendFormat(buf.AvailableBuffer(), "2006-01-02 15:04"))
	buf.WriteString("</time></td></tr>\n")
}

// sessionCookieName is the server's session cookie (internal/server
// sessions.go).
const sessionCookieName = "atiende_session"
