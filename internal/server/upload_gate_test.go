package server_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawUpload starts a multipart POST to path by hand, announcing length
// bytes of body and sending only its first line, so the test controls
// the pace of the rest.
func (e *env) rawUpload(t *testing.T, path, forwardedFor string, length int64) net.Conn {
	t.Helper()
	u, err := url.Parse(e.url)
	require.NoError(t, err)
	conn, err := net.Dial("tcp", u.Host)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nX-Forwarded-For: %s\r\n"+
		"Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: %d\r\n\r\n--xyz\r\n",
		path, u.Host, forwardedFor, length)
	require.NoError(t, err)
	return conn
}

// trickle sends one byte every interval until the connection fails.
func trickle(conn net.Conn, interval time.Duration) {
	for {
		time.Sleep(interval)
		if _, err := conn.Write([]byte("a")); err != nil {
			return
		}
	}
}

// readStatus reads the response status of a raw request, or 0 when the
// server closed the connection without one.
func readStatus(t *testing.T, conn net.Conn, within time.Duration) int {
	t.Helper()
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(within)))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// TestTricklingUploadsHoldNoSlot: more trickling anonymous uploads (1
// byte / 500 ms, each from its own address) than there are upload slots
// neither delay a customer's ticket with a file nor live longer than a
// few seconds; none is logged as a server error.
func TestTricklingUploadsHoldNoSlot(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	d := e.newDesk("alfa")
	c := e.client()
	c.login(d, d.customer)
	key := c.formKey(d)

	start := time.Now()
	conns := make([]net.Conn, 10)
	for i := range conns {
		conns[i] = e.rawUpload(t, "/alfa/tickets/new", fmt.Sprintf("10.0.0.%d", i+1), 200_000)
		go trickle(conns[i], 500*time.Millisecond)
	}
	time.Sleep(time.Second)

	t0 := time.Now()
	res := c.postMultipart("/alfa/tickets/new", url.Values{
		"key": {key}, "subject": {"Con captura"}, "description": {"Adjunto la captura."}, "urgency": {"low"}, "impact": {"low"},
	}, []upFile{{"captura.png", append(pngBytes, make([]byte, 200<<10)...)}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Less(t, time.Since(t0), 3*time.Second, "the customer's upload found a slot at once")

	var wg sync.WaitGroup
	for _, conn := range conns {
		wg.Go(func() {
			assert.Equal(t, http.StatusRequestTimeout, readStatus(t, conn, 15*time.Second))
		})
	}
	wg.Wait()
	assert.Less(t, time.Since(start), 10*time.Second, "trickling bodies are dropped within seconds")
	assert.Zero(t, e.errorLines.n.Load(), "nothing logged as a server error")
}

// TestUploadLimitsPerClient: a fourth concurrent upload from one client
// is refused at once; a body announcing 99,999,999,999 bytes is refused
// before it is read; a body that stops is dropped within seconds; a client
// that hangs up halfway is no server error.
func TestUploadLimitsPerClient(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, map[string]string{"ATIENDE_TRUSTED_PROXY_HEADER": "X-Forwarded-For"})
	e.newDesk("alfa")

	for range 3 {
		conn := e.rawUpload(t, "/alfa/tickets/new", "10.1.1.1", 100_000)
		go trickle(conn, 200*time.Millisecond)
	}
	// Until the three are counted (a fixed pause was too short for a
	// loaded machine, and the fourth then took a place of its own).
	require.Eventually(t, func() bool { return e.srv.UploadsInFlight("ip:10.1.1.1") == 3 },
		10*time.Second, 10*time.Millisecond, "three uploads in flight")
	fourth := e.rawUpload(t, "/alfa/tickets/new", "10.1.1.1", 100_000)
	assert.Equal(t, http.StatusTooManyRequests, readStatus(t, fourth, 2*time.Second))

	bogus := e.rawUpload(t, "/alfa/tickets/new", "10.2.2.2", 99999999999)
	_, err := bogus.Write([]byte("1234567"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, readStatus(t, bogus, time.Second))

	stalled := e.rawUpload(t, "/alfa/tickets/new", "10.3.3.3", 1000)
	t0 := time.Now()
	assert.Equal(t, http.StatusRequestTimeout, readStatus(t, stalled, 15*time.Second))
	assert.Less(t, time.Since(t0), 8*time.Second)

	aborted := e.rawUpload(t, "/alfa/tickets/new", "10.4.4.4", 100_000)
	_, err = aborted.Write([]byte(strings.Repeat("b", 5000)))
	require.NoError(t, err)
	require.NoError(t, aborted.Close())
	// The same client's next request is served normally.
	time.Sleep(500 * time.Millisecond)
	assert.Zero(t, e.errorLines.n.Load(), "an aborted request is not a server error")
}
