package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTicketOpenerRunsOncePerKey(t *testing.T) {
	t.Parallel()
	o := newTicketOpener()
	var calls atomic.Int32
	release := make(chan struct{})
	open := func() (openResult, error) {
		calls.Add(1)
		<-release
		return openResult{number: 7}, nil
	}
	var wg sync.WaitGroup
	results := make([]openResult, 5)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := o.do(context.Background(), "k", open)
			assert.NoError(t, err)
			results[i] = res
		}()
	}
	time.Sleep(20 * time.Millisecond) // let them all queue on the first call
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load())
	for _, r := range results {
		assert.Equal(t, openResult{number: 7}, r)
	}
	// A later call with the same key still gets the first result.
	res, err := o.do(context.Background(), "k", open)
	require.NoError(t, err)
	assert.Equal(t, openResult{number: 7}, res)
	assert.Equal(t, int32(1), calls.Load())
}

func TestTicketOpenerRetriesAfterAFailure(t *testing.T) {
	t.Parallel()
	o := newTicketOpener()
	_, err := o.do(context.Background(), "k", func() (openResult, error) { return openResult{}, errors.New("db down") })
	require.Error(t, err)
	res, err := o.do(context.Background(), "k", func() (openResult, error) { return openResult{number: 3}, nil })
	require.NoError(t, err)
	assert.Equal(t, openResult{number: 3}, res)
}
