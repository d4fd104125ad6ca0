package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/atiende/atiende/internal/helpdesk"
	"github.com/atiende/atiende/internal/pgtest"
	"github.com/atiende/atiende/internal/postgres"
)

// plainHasher "hashes" by prefixing and counts verifications, so the
// tests can tell whether the domain checked the current password; the real
// argon2id hasher and zxcvbn estimate are tested in internal/password.
type plainHasher struct{ verified int }

func (h *plainHasher) Hash(_ context.Context, pw string) (string, error) { return "h:" + pw, nil }
func (h *plainHasher) Verify(_ context.Context, pw, hash string) (bool, error) {
	h.verified++
	return hash == "h:"+pw, nil
}

// Weakness stands in for the strength estimate: the domain must ask it,
// with the user's own words.
func (h *plainHasher) Weakness(pw string, inputs ...string) string {
	switch {
	case pw == "Password123":
		return "error.password_common"
	case len(inputs) > 0 && strings.Contains(strings.ToLower(pw), strings.Split(inputs[0], "@")[0]):
		return "error.password_personal"
	}
	return ""
}

const oldPassword = "la clave de siempre"

// profileDesk is a desk with Rosa (customer), Luis (agent, session epoch
// 4) and a deactivated customer, all with oldPassword.
type profileDesk struct {
	s                    *postgres.Store
	svc                  *helpdesk.Service
	h                    *plainHasher
	tenant               helpdesk.Tenant
	rosa, luis, disabled helpdesk.User
}

func newProfileDesk(t *testing.T) *profileDesk {
	t.Helper()
	ctx := context.Background()
	s := postgres.New(pgtest.New(t))
	tn, _ := newTenant(t, s, "perfil")
	p := &profileDesk{s: s, h: &plainHasher{}, tenant: tn}
	p.svc = helpdesk.NewService(s, p.h, nil)
	mk := func(email, name string, role helpdesk.Role, active bool) helpdesk.User {
		u, err := s.CreateUser(ctx, tn.ID, helpdesk.User{Email: email, Name: name, Role: role, PasswordHash: "h:" + oldPassword, Active: active})
		require.NoError(t, err)
		return u
	}
	p.rosa = mk("rosa@example.com", "Rosa", helpdesk.RoleCustomer, true)
	p.luis = mk("luis@desk.example", "Luis", helpdesk.RoleAgent, true)
	p.disabled = mk("baja@example.com", "Baja", helpdesk.RoleCustomer, false)
	for range 4 {
		_, err := s.BumpSessionEpoch(ctx, tn.ID, p.luis.ID)
		require.NoError(t, err)
	}
	p.luis = p.user(t, p.luis.ID)
	return p
}

func (p *profileDesk) user(t *testing.T, id helpdesk.UserID) helpdesk.User {
	t.Helper()
	u, err := p.s.User(context.Background(), p.tenant.ID, id)
	require.NoError(t, err)
	return u
}

func TestUpdateProfileChangesOnlyTheActor(t *testing.T) {
	t.Parallel()
	p := newProfileDesk(t)
	ctx := context.Background()

	u, err := p.svc.UpdateProfile(ctx, p.rosa.Actor(), helpdesk.ProfileInput{Name: " Rosa  Díaz ", Phone: "600 000 000", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "Rosa Díaz", u.Name)
	assert.Equal(t, "600 000 000", u.Phone)
	assert.Equal(t, "en", u.Language)
	assert.Equal(t, p.rosa.Email, u.Email, "the email is not the user's to change")
	assert.Equal(t, helpdesk.RoleCustomer, u.Role)
	assert.Equal(t, p.luis, p.user(t, p.luis.ID))

	_, err = p.svc.UpdateProfile(ctx, p.rosa.Actor(), helpdesk.ProfileInput{Name: ""})
	var v *helpdesk.ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "Rosa Díaz", p.user(t, p.rosa.ID).Name, "invalid input changes nothing")
}

func TestAccountOperationsRefuseOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newProfileDesk(t)
	tn := p.tenant.ID
	for _, tt := range []struct {
		name string
		by   helpdesk.Actor
		want error
	}{
		{"system", helpdesk.System(tn), helpdesk.ErrForbidden},
		{"no user", helpdesk.Actor{Kind: helpdesk.ActorUser, Tenant: tn, Role: helpdesk.RoleCustomer}, helpdesk.ErrForbidden},
		{"no tenant", helpdesk.Actor{Kind: helpdesk.ActorUser, User: p.rosa.ID, Role: helpdesk.RoleCustomer}, helpdesk.ErrForbidden},
		{"another tenant", helpdesk.Actor{Kind: helpdesk.ActorUser, Tenant: tn + 1000, User: p.rosa.ID, Role: helpdesk.RoleCustomer}, helpdesk.ErrNotFound},
		{"disabled", p.disabled.Actor(), helpdesk.ErrNotFound},
		{"unknown", helpdesk.Actor{Kind: helpdesk.ActorUser, Tenant: tn, User: p.disabled.ID + 1000, Role: helpdesk.RoleCustomer}, helpdesk.ErrNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.svc.UpdateProfile(ctx, tt.by, helpdesk.ProfileInput{Name: "X"})
			assert.ErrorIs(t, err, tt.want)
			_, err = p.svc.ChangePassword(ctx, tt.by, oldPassword, "otra frase bastante larga")
			assert.ErrorIs(t, err, tt.want)
			_, err = p.svc.SignOutEverywhere(ctx, tt.by)
			assert.ErrorIs(t, err, tt.want)
		})
	}
	for _, u := range []helpdesk.User{p.rosa, p.luis, p.disabled} {
		assert.Equal(t, u, p.user(t, u.ID), "nothing changed for %s", u.Name)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const fresh = "otra frase bastante larga"
	tests := []struct {
		name             string
		current, newPass string
		want             map[string]string
		verified         int
	}{
		{name: "wrong current", current: "no es esta", newPass: fresh,
			want: map[string]string{"current_password": "error.current_password"}, verified: 1},
		{name: "empty current", current: "", newPass: fresh,
			want: map[string]string{"current_password": "error.required"}},
		{name: "absurdly long current", current: strings.Repeat("x", 4*helpdesk.MaxPasswordLen+1), newPass: fresh,
			want: map[string]string{"current_password": "error.current_password"}},
		{name: "new too short", current: oldPassword, newPass: "corta",
			want: map[string]string{"new_password": "error.password_short"}, verified: 1},
		{name: "new common", current: oldPassword, newPass: "Password123",
			want: map[string]string{"new_password": "error.password_common"}, verified: 1},
		{name: "new holds the user's name", current: oldPassword, newPass: "luis luis luis luis",
			want: map[string]string{"new_password": "error.password_personal"}, verified: 1},
		{name: "new equals current", current: oldPassword, newPass: oldPassword,
			want: map[string]string{"new_password": "error.password_same"}, verified: 1},
		{name: "both wrong", current: "no es esta", newPass: "",
			want: map[string]string{"current_password": "error.current_password", "new_password": "error.required"}, verified: 1},
	}
	p := newProfileDesk(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.h.verified = 0
			_, err := p.svc.ChangePassword(ctx, p.luis.Actor(), tt.current, tt.newPass)
			var v *helpdesk.ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.want, v.Fields)
			assert.Equal(t, tt.verified, p.h.verified)
			assert.Equal(t, p.luis, p.user(t, p.luis.ID), "a refused change writes nothing")
		})
	}

	epoch, err := p.svc.ChangePassword(ctx, p.luis.Actor(), oldPassword, fresh)
	require.NoError(t, err)
	assert.Equal(t, 5, epoch)
	assert.Equal(t, "h:"+fresh, p.user(t, p.luis.ID).PasswordHash)
	assert.Equal(t, "h:"+oldPassword, p.user(t, p.rosa.ID).PasswordHash)
}

func TestSignOutEverywhereBumpsTheEpoch(t *testing.T) {
	t.Parallel()
	p := newProfileDesk(t)
	ctx := context.Background()
	e1, err := p.svc.SignOutEverywhere(ctx, p.rosa.Actor())
	require.NoError(t, err)
	e2, err := p.svc.SignOutEverywhere(ctx, p.rosa.Actor())
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, []int{e1, e2})
	assert.Equal(t, 4, p.user(t, p.luis.ID).SessionEpoch)
}
