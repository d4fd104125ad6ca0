package netguard

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The guard as a function: nothing here dials.
func TestForbidden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   string
		want bool
	}{
		{"10.0.0.1", true}, {"10.255.255.255", true},
		{"172.16.0.1", true}, {"172.31.255.255", true}, {"172.32.0.1", false},
		{"192.168.1.1", true}, {"127.0.0.1", true}, {"127.1.2.3", true},
		{"169.254.169.254", true}, {"169.254.0.1", true},
		{"100.64.0.1", true}, {"100.127.255.255", true}, {"100.128.0.1", false},
		{"0.0.0.0", true}, {"0.1.2.3", true}, {"255.255.255.255", true}, {"224.0.0.1", true},
		{"198.18.0.1", true}, {"192.0.0.8", true},
		{"::1", true}, {"::", true}, {"fc00::1", true}, {"fd12:3456::1", true}, {"fe80::1", true},
		{"fd00:ec2::254", true}, {"ff02::1", true},
		{"::ffff:127.0.0.1", true}, {"::ffff:10.0.0.1", true}, {"::ffff:169.254.169.254", true},
		{"64:ff9b::a9fe:a9fe", true}, {"64:ff9b::808:808", false},
		{"8.8.8.8", false}, {"1.1.1.1", false}, {"2606:4700:4700::1111", false}, {"::ffff:8.8.8.8", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Forbidden(netip.MustParseAddr(tt.ip)))
		})
	}
}

// Names are resolved before any connection: loopback names and literals
// are refused with the switch off, allowed with it on.
func TestResolveRefusesLoopbackNames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "0x7f.1"} {
		_, err := Resolve(ctx, host, false)
		assert.Error(t, err, host)
	}
	_, err := Resolve(ctx, "localhost", false)
	assert.True(t, errors.Is(err, ErrForbidden))
	a, err := Resolve(ctx, "127.0.0.1", true)
	require.NoError(t, err)
	assert.True(t, a.IsLoopback())
}

// End to end, only loopback: the guarded client never reaches a loopback
// receiver (by address, by name, or by a redirect) unless the switch is on.
func TestHTTPClientRefusesLoopbackAtDialTime(t *testing.T) {
	t.Parallel()
	hits := 0
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	t.Cleanup(target.Close)
	redirect := httptest.NewServer(http.RedirectHandler(target.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	off := HTTPClient(false, 0)
	for _, u := range []string{target.URL, "http://localhost:" + target.Listener.Addr().(interface{ String() string }).String()[len("127.0.0.1:"):], redirect.URL} {
		_, err := off.Get(u)
		require.Error(t, err, u)
		assert.ErrorIs(t, err, ErrForbidden, u)
	}
	assert.Zero(t, hits)
	on := HTTPClient(true, 0)
	res, err := on.Get(redirect.URL)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 1, hits, "with the switch on, the redirect is followed")
}
