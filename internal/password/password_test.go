package password

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fast keeps tests quick; TestDefaultParams checks the production values.
var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestHashAndVerify(t *testing.T) {
	t.Parallel()
	h := New(fast, 2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(hash, "$argon2id$v=19$m=1024,t=1,p=1$"))

	ok, err := h.Verify(ctx, "correct horse battery", hash)
	require.NoError(t, err)
	assert.True(t, ok)

	ok, err = h.Verify(ctx, "Correct horse battery", hash)
	require.NoError(t, err)
	assert.False(t, ok, "case matters")

	other, err := h.Hash(ctx, "correct horse battery")
	require.NoError(t, err)
	assert.NotEqual(t, hash, other, "salts are random")
}

func TestVerifyEmptyHashIsFalse(t *testing.T) {
	t.Parallel()
	h := New(fast, 1)
	ok, err := h.Verify(context.Background(), "atiende-dummy", "")
	require.NoError(t, err)
	assert.False(t, ok, "the dummy password must never sign anyone in")
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := New(fast, 1)
	for _, bad := range []string{"x", "$argon2i$v=19$m=1024,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=1024,t=1,p=1$!!$AAAA"} {
		_, err := h.Verify(context.Background(), "pw", bad)
		assert.ErrorIs(t, err, ErrMalformed, bad)
	}
}

func TestDefaultParams(t *testing.T) {
	t.Parallel()
	assert.GreaterOrEqual(t, Default.Memory, uint32(46*1024), "ASVS: at least 46 MiB")
	h := New(Default, 1)
	hash, err := h.Hash(context.Background(), "una contraseña larga")
	require.NoError(t, err)
	assert.Contains(t, hash, "m=47104,t=1,p=1")
	assert.False(t, h.NeedsRehash(hash))
	assert.True(t, New(fast, 1).NeedsRehash(hash))
}

func TestConcurrencyIsBounded(t *testing.T) {
	t.Parallel()
	h := New(fast, 2)
	var running, peak atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, h.acquire(context.Background()))
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
			running.Add(-1)
			h.release()
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, peak.Load(), int32(2))
}

func TestHashHonoursCancellation(t *testing.T) {
	t.Parallel()
	h := New(fast, 1)
	require.NoError(t, h.acquire(context.Background())) // hold the only slot
	defer h.release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := h.Hash(ctx, "whatever-password")
	assert.ErrorIs(t, err, context.Canceled)
}
