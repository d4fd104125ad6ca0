package server

import (
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/require"
)

// agentSession is what a signed-in agent's session holds after a queue page.
func agentSession() map[string]any {
	return map[string]any{
		sessTenant: int64(7), sessUser: int64(-42), sessLastSeen: int64(1_796_000_000),
		sessEpoch: 3, sessDensity: "compact", sessMustEnrol: true, "off": false, "empty": "",
	}
}

func TestSessionCodecRoundTrips(t *testing.T) {
	deadline := time.Date(2026, 12, 7, 20, 0, 0, 123, time.UTC)
	for _, values := range []map[string]any{agentSession(), {}, {"ñ": strings.Repeat("x", 300)}} {
		b, err := SessionCodec{}.Encode(deadline, values)
		require.NoError(t, err)
		require.Equal(t, byte(sessionCodecMark), b[0], "typed, not gob")
		got, vals, err := SessionCodec{}.Decode(b)
		require.NoError(t, err)
		require.True(t, deadline.Equal(got))
		require.Equal(t, values, vals) // the same types, not only the same numbers
	}
}

// TestSessionCodecReadsGobSessions: the sessions written before the typed
// codec (scs.GobCodec) still sign their users in.
func TestSessionCodecReadsGobSessions(t *testing.T) {
	deadline := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	for _, values := range []map[string]any{agentSession(), {"big": strings.Repeat("y", 5000)}} {
		b, err := scs.GobCodec{}.Encode(deadline, values)
		require.NoError(t, err)
		require.NotEqual(t, byte(sessionCodecMark), b[0], "a gob stream never starts with 0")
		got, vals, err := SessionCodec{}.Decode(b)
		require.NoError(t, err)
		require.True(t, deadline.Equal(got))
		require.Equal(t, values, vals)
	}
}

// TestSessionCodecFallsBackToGob: a value of a type the codec does not
// know is still stored, by gob, and read back.
func TestSessionCodecFallsBackToGob(t *testing.T) {
	deadline := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	values := agentSession()
	values["ratio"] = 1.5
	b, err := SessionCodec{}.Encode(deadline, values)
	require.NoError(t, err)
	require.NotEqual(t, byte(sessionCodecMark), b[0])
	_, vals, err := SessionCodec{}.Decode(b)
	require.NoError(t, err)
	require.Equal(t, values, vals)
}

// TestSessionCodecRefusesDamagedData: every truncation of a session, and
// unknown versions or tags, are errors, never a panic or a partial session.
func TestSessionCodecRefusesDamagedData(t *testing.T) {
	b, err := SessionCodec{}.Encode(time.Now(), agentSession())
	require.NoError(t, err)
	for n := 1; n < len(b); n++ {
		_, _, err := SessionCodec{}.Decode(b[:n])
		require.Error(t, err, "truncated to %d bytes", n)
	}
	_, _, err = SessionCodec{}.Decode(append(b[:len(b):len(b)], 0))
	require.Error(t, err, "trailing byte")
	_, _, err = SessionCodec{}.Decode([]byte{sessionCodecMark, 9, 0, 0})
	require.Error(t, err, "unknown version")
	_, _, err = SessionCodec{}.Decode([]byte{sessionCodecMark, sessionCodecVersion, 0, 1, 1, 'k', 'z'})
	require.Error(t, err, "unknown tag")
	_, _, err = SessionCodec{}.Decode([]byte{sessionCodecMark, sessionCodecVersion, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	require.Error(t, err, "more values than bytes")
}

func BenchmarkSessionDecode(b *testing.B) {
	deadline := time.Now()
	values := map[string]any{sessTenant: int64(7), sessUser: int64(42), sessLastSeen: time.Now().Unix(), sessEpoch: 1, sessDensity: "comfortable"}
	for _, c := range []struct {
		name  string
		codec scs.Codec
	}{{"gob", scs.GobCodec{}}, {"typed", SessionCodec{}}} {
		data, err := c.codec.Encode(deadline, values)
		require.NoError(b, err)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := c.codec.Decode(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
