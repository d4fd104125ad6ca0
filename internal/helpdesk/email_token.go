package helpdesk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// Threading tokens: every message Atiende sends carries, in its
// Message-ID, a token naming the tenant and the ticket, signed with the
// installation's mail secret (HMAC-SHA256). A reply quotes that Message-ID
// in In-Reply-To or References, and only a token that verifies, for the
// tenant the mail was delivered to, threads the reply onto a ticket. A
// forged or altered token, or one of another tenant, is ignored: the mail
// then opens a new ticket (see ReceiveEmail).
//
// The local part is "atd.<tenant>.<ticket number>.<nonce>.<signature>",
// where nonce makes each message's id unique (the outbox row id) and the
// signature is the first 80 bits of the HMAC, base32 lower case. 80 bits
// are plenty for an online forgery that costs an SMTP delivery per guess.

// ThreadSigner signs and verifies threading tokens with one secret.
type ThreadSigner struct {
	secret []byte
}

// MinMailSecretLen is the shortest mail secret accepted, in bytes.
const MinMailSecretLen = 32

// NewThreadSigner returns a signer for secret (at least MinMailSecretLen
// bytes; config checks it).
func NewThreadSigner(secret []byte) ThreadSigner {
	return ThreadSigner{secret: append([]byte(nil), secret...)}
}

// Enabled reports whether the signer has a secret; without one nothing
// verifies.
func (s ThreadSigner) Enabled() bool { return len(s.secret) > 0 }

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

func (s ThreadSigner) sign(tenant TenantID, n TicketNumber, nonce int64) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte("atiende-thread-v1\x00" + strconv.FormatInt(int64(tenant), 10) + "\x00" +
		strconv.FormatInt(int64(n), 10) + "\x00" + strconv.FormatInt(nonce, 10)))
	return strings.ToLower(tokenEncoding.EncodeToString(m.Sum(nil)[:10]))
}

// Token returns the local part of a Message-ID for message nonce about
// ticket n of tenant.
func (s ThreadSigner) Token(tenant TenantID, n TicketNumber, nonce int64) string {
	return "atd." + strconv.FormatInt(int64(tenant), 10) + "." + strconv.FormatInt(int64(n), 10) + "." +
		strconv.FormatInt(nonce, 10) + "." + s.sign(tenant, n, nonce)
}

// Verify reads a Message-ID (with or without angle brackets and domain)
// and returns the tenant and ticket its token names when the signature is
// right.
func (s ThreadSigner) Verify(messageID string) (TenantID, TicketNumber, bool) {
	if !s.Enabled() {
		return 0, 0, false
	}
	id := strings.TrimSpace(messageID)
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	local, _, _ := strings.Cut(id, "@")
	parts := strings.Split(strings.ToLower(local), ".")
	if len(parts) != 5 || parts[0] != "atd" {
		return 0, 0, false
	}
	var nums [3]int64
	for i := range nums {
		v, err := strconv.ParseInt(parts[i+1], 10, 64)
		if err != nil || v < 0 || strconv.FormatInt(v, 10) != parts[i+1] {
			return 0, 0, false
		}
		nums[i] = v
	}
	tenant, n := TenantID(nums[0]), TicketNumber(nums[1])
	if tenant <= 0 || n <= 0 {
		return 0, 0, false
	}
	want := s.sign(tenant, n, nums[2])
	if !hmac.Equal([]byte(want), []byte(parts[4])) {
		return 0, 0, false
	}
	return tenant, n, true
}
