package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/alexedwards/scs/v2"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/server"
)

// TestSessionsWrittenByGobSurvive: a session row written by the gob codec
// (by a server before the typed codec) still signs its agent in, and the
// sessions the server writes now are typed.
func TestSessionsWrittenByGobSurvive(t *testing.T) {
	e := newEnv(t)
	d := e.newDesk("gobdesk")
	c := e.client()
	c.login(d, d.agent)
	ctx := context.Background()
	sum := sha256.Sum256([]byte(c.cookie("atiende_session")))
	token := base64.RawURLEncoding.EncodeToString(sum[:])
	var data []byte
	require.NoError(t, e.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1`, token).Scan(&data))
	require.Equal(t, byte(0), data[0], "the server writes typed sessions")

	deadline, values, err := server.SessionCodec{}.Decode(data)
	require.NoError(t, err)
	old, err := scs.GobCodec{}.Encode(deadline, values)
	require.NoError(t, err)
	_, err = e.pool.Exec(ctx, `UPDATE sessions SET data = $2 WHERE token = $1`, token, old)
	require.NoError(t, err)

	res := c.get("/" + d.tenant.Slug + "/agent/")
	require.Equal(t, http.StatusOK, res.status, res.body)
	require.Contains(t, res.body, d.agent.Name)
}
