// Package password hashes and verifies passwords with argon2id.
//
// Hashes are stored in the PHC string format
// ($argon2id$v=19$m=47104,t=1,p=1$salt$hash), so parameters can be raised
// later without invalidating existing hashes. Each hash costs tens of
// milliseconds and its memory parameter in RAM, so a semaphore bounds how
// many run at once: parallel login attempts queue instead of exhausting
// memory.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// Default follows OWASP's and ASVS's minimum for argon2id: 46 MiB, t=1, p=1.
var Default = Params{Memory: 46 * 1024, Time: 1, Threads: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// Hasher implements helpdesk.PasswordHasher.
type Hasher struct {
	params Params
	sem    chan struct{}
	dummy  string // verified against when an account does not exist
}

// New returns a hasher with params that runs at most concurrency hashes at
// once (at least 1; 0 means one per CPU).
func New(params Params, concurrency int) *Hasher {
	if concurrency <= 0 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	h := &Hasher{params: params, sem: make(chan struct{}, concurrency)}
	h.dummy = h.encode(make([]byte, saltLen), argon2.IDKey([]byte("atiende-dummy"), make([]byte, saltLen), params.Time, params.Memory, params.Threads, keyLen))
	return h
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("password: waiting to hash: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC-formatted argon2id hash of pw with a random salt.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	key := argon2.IDKey([]byte(pw), salt, h.params.Time, h.params.Memory, h.params.Threads, keyLen)
	return h.encode(salt, key), nil
}

func (h *Hasher) encode(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.Memory, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// ErrMalformed means a stored hash could not be parsed.
var ErrMalformed = errors.New("password: malformed hash")

func decode(s string) (Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformed
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, nil, nil, ErrMalformed
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, ErrMalformed
	}
	// Refuse absurd stored parameters rather than allocate gigabytes.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return Params{}, nil, nil, ErrMalformed
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return Params{}, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}

// Verify reports whether pw matches the PHC hash. An empty hash (unknown
// account, or an account without a password) is verified against a dummy so
// that the answer takes as long as for a real account, and is false.
func (h *Hasher) Verify(ctx context.Context, pw, hash string) (bool, error) {
	real := hash != ""
	if !real {
		hash = h.dummy
	}
	p, salt, key, err := decode(hash)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return real && subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether hash was made with other parameters than h's,
// so a successful login can upgrade it.
func (h *Hasher) NeedsRehash(hash string) bool {
	p, _, _, err := decode(hash)
	return err != nil || p != h.params
}
