// Package netguard keeps outbound connections that a tenant configures
// (webhook targets, IMAP and SMTP servers) away from the installation's own
// network: loopback, private, link-local, carrier-grade NAT and cloud
// metadata addresses are refused after DNS resolution, and the connection
// goes to the very address that was checked, so a name that resolves
// differently a moment later (DNS rebinding) cannot slip through.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// ErrForbidden is a destination that resolves to an address the guard
// refuses.
var ErrForbidden = errors.New("netguard: destination resolves to a loopback, private, link-local or metadata address")

// metadata are cloud metadata endpoints outside the link-local range.
var metadata = []netip.Addr{netip.MustParseAddr("fd00:ec2::254")}

// Forbidden reports whether ip is not a public unicast address. IPv4
// addresses mapped into IPv6 are judged as the IPv4 address they carry.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast() {
		return true
	}
	for _, m := range metadata {
		if ip == m {
			return true
		}
	}
	if ip.Is4() {
		b := ip.As4()
		// 0.0.0.0/8, 100.64.0.0/10 (carrier-grade NAT), 192.0.0.0/24
		// (protocol assignments) and 198.18.0.0/15 (benchmarking) are not
		// public either; 255.255.255.255 is broadcast.
		if b[0] == 0 || (b[0] == 100 && b[1]&0xC0 == 64) || (b[0] == 192 && b[1] == 0 && b[2] == 0) ||
			(b[0] == 198 && b[1]&0xFE == 18) || ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}) {
			return true
		}
	} else if p := netip.PrefixFrom(netip.MustParseAddr("64:ff9b::"), 96); p.Contains(ip) {
		// NAT64: judge the IPv4 address it embeds.
		a := ip.As16()
		return Forbidden(netip.AddrFrom4([4]byte{a[12], a[13], a[14], a[15]}))
	}
	return false
}

// Resolve returns the first address of host, or ErrForbidden when any of
// its addresses is forbidden and allowPrivate is false.
func Resolve(ctx context.Context, host string, allowPrivate bool) (netip.Addr, error) {
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("netguard: resolve %s: %w", host, err)
	}
	var target netip.Addr
	for _, ip := range ips {
		if Forbidden(ip) && !allowPrivate {
			return netip.Addr{}, fmt.Errorf("%w (%s)", ErrForbidden, host)
		}
		if !target.IsValid() {
			target = ip.Unmap()
		}
	}
	if !target.IsValid() {
		return netip.Addr{}, fmt.Errorf("netguard: %s has no address", host)
	}
	return target, nil
}

// Dialer connects through the guard.
type Dialer struct {
	// AllowPrivate lets internal addresses through: the operator's own
	// configuration and tests with loopback peers, never tenant settings.
	AllowPrivate bool
	Timeout      time.Duration
}

// DialContext resolves addr's host, checks every address, and connects to
// the checked one: the http.Transport hook, so every connection, redirects
// included, is guarded at dial time.
func (d Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	target, err := Resolve(ctx, host, d.AllowPrivate)
	if err != nil {
		return nil, err
	}
	nd := net.Dialer{Timeout: d.Timeout}
	return nd.DialContext(ctx, network, net.JoinHostPort(target.String(), port))
}

// HTTPClient returns a client whose every connection goes through the
// guard, with a total timeout, no proxy from the environment, and at most
// three redirects (each dialled through the guard as well).
func HTTPClient(allowPrivate bool, timeout time.Duration) *http.Client {
	d := Dialer{AllowPrivate: allowPrivate, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           d.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: timeout,
			MaxIdleConnsPerHost:   2,
			IdleConnTimeout:       30 * time.Second,
		},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("netguard: too many redirects")
			}
			if req.URL.Scheme != "https" && req.URL.Scheme != "http" {
				return fmt.Errorf("netguard: redirect to %s refused", req.URL.Scheme)
			}
			return nil
		},
	}
}

// CheckHost refuses a host that resolves to an internal address, unless
// allowPrivate: the check when a tenant saves a target.
func CheckHost(allowPrivate bool) func(ctx context.Context, host string) error {
	return func(ctx context.Context, host string) error {
		_, err := Resolve(ctx, host, allowPrivate)
		return err
	}
}
