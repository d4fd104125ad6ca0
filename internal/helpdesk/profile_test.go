package helpdesk

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// profileFake is an in-memory ProfileStore plus the User lookup the account
// operations use; everything else falls through to the nil Store and would
// panic.
type profileFake struct {
	Store
	users map[UserID]User
	calls int // writes
	mails []AccountMail
}

func (f *profileFake) InTx(ctx context.Context, tenant TenantID, fn func(Store) error) error {
	return fn(f)
}

func (f *profileFake) VoidPasswordTokens(context.Context, TenantID, UserID, time.Time) error {
	return nil
}

func (f *profileFake) QueueAccountMail(ctx context.Context, tenant TenantID, m AccountMail) (AccountMailID, error) {
	f.mails = append(f.mails, m)
	return AccountMailID(len(f.mails)), nil
}

func (f *profileFake) user(tenant TenantID, id UserID) (User, error) {
	u, ok := f.users[id]
	if !ok || u.Tenant != tenant || !u.Active {
		return User{}, ErrNotFound
	}
	return u, nil
}

func (f *profileFake) User(ctx context.Context, tenant TenantID, id UserID) (User, error) {
	u, ok := f.users[id]
	if !ok || u.Tenant != tenant {
		return User{}, ErrNotFound
	}
	return u, nil
}

func (f *profileFake) UpdateProfile(ctx context.Context, tenant TenantID, id UserID, p ProfileInput) (User, error) {
	u, err := f.user(tenant, id)
	if err != nil {
		return User{}, err
	}
	f.calls++
	u.Name, u.Phone, u.Language = p.Name, p.Phone, p.Language
	f.users[id] = u
	return u, nil
}

func (f *profileFake) SetPassword(ctx context.Context, tenant TenantID, id UserID, hash string) (int, error) {
	u, err := f.user(tenant, id)
	if err != nil {
		return 0, err
	}
	f.calls++
	u.PasswordHash = hash
	u.SessionEpoch++
	f.users[id] = u
	return u.SessionEpoch, nil
}

func (f *profileFake) BumpSessionEpoch(ctx context.Context, tenant TenantID, id UserID) (int, error) {
	u, err := f.user(tenant, id)
	if err != nil {
		return 0, err
	}
	f.calls++
	u.SessionEpoch++
	f.users[id] = u
	return u.SessionEpoch, nil
}

// plainHasher "hashes" by prefixing; the real argon2id hasher is tested in
// internal/password.
type plainHasher struct{ verified int }

func (h *plainHasher) Hash(ctx context.Context, pw string) (string, error) { return "h:" + pw, nil }
func (h *plainHasher) Verify(ctx context.Context, pw, hash string) (bool, error) {
	h.verified++
	return hash == "h:"+pw, nil
}

// Weakness stands in for the zxcvbn estimate (tested in internal/password):
// the domain must ask it, with the user's own words.
func (h *plainHasher) Weakness(pw string, inputs ...string) string {
	switch {
	case pw == "Password123":
		return "error.password_common"
	case len(inputs) > 0 && strings.Contains(strings.ToLower(pw), strings.Split(inputs[0], "@")[0]):
		return "error.password_personal"
	}
	return ""
}

const (
	profTenant   TenantID = 7
	profRosa     UserID   = 70
	profLuis     UserID   = 71
	profDisabled UserID   = 72
	oldPassword           = "la clave de siempre"
)

func newProfileService() (*Service, *profileFake, *plainHasher) {
	f := &profileFake{users: map[UserID]User{
		profRosa:     {ID: profRosa, Tenant: profTenant, Name: "Rosa", Email: "rosa@example.com", Role: RoleCustomer, PasswordHash: "h:" + oldPassword, Active: true},
		profLuis:     {ID: profLuis, Tenant: profTenant, Name: "Luis", Email: "luis@desk.example", Role: RoleAgent, PasswordHash: "h:" + oldPassword, Active: true, SessionEpoch: 4},
		profDisabled: {ID: profDisabled, Tenant: profTenant, Name: "Baja", Email: "baja@example.com", Role: RoleCustomer, PasswordHash: "h:" + oldPassword},
	}}
	h := &plainHasher{}
	return NewService(f, h, nil), f, h
}

func TestProfileValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   ProfileInput
		want map[string]string // field → message key; nil when valid
		out  ProfileInput      // cleaned, when valid
	}{
		{name: "minimal", in: ProfileInput{Name: "Rosa"}, out: ProfileInput{Name: "Rosa"}},
		{name: "cleaned", in: ProfileInput{Name: "  Rosa \u202e María\x00 ", Phone: " +34  (91) 555-12.34 ", Language: "en"},
			out: ProfileInput{Name: "Rosa María", Phone: "+34 (91) 555-12.34", Language: "en"}},
		{name: "phone of 32", in: ProfileInput{Name: "R", Phone: strings.Repeat("1", 32), Language: "es"},
			out: ProfileInput{Name: "R", Phone: strings.Repeat("1", 32), Language: "es"}},
		{name: "empty name", in: ProfileInput{Name: " \t "}, want: map[string]string{"name": "error.required"}},
		{name: "long name", in: ProfileInput{Name: strings.Repeat("ñ", MaxNameLen+1)}, want: map[string]string{"name": "error.too_long"}},
		{name: "phone too long", in: ProfileInput{Name: "R", Phone: strings.Repeat("1", 33)}, want: map[string]string{"phone": "error.too_long"}},
		{name: "phone letters", in: ProfileInput{Name: "R", Phone: "555-CALL"}, want: map[string]string{"phone": "error.phone"}},
		{name: "phone markup", in: ProfileInput{Name: "R", Phone: "<script>1</script>"}, want: map[string]string{"phone": "error.phone"}},
		{name: "phone without digits", in: ProfileInput{Name: "R", Phone: "+ ( )"}, want: map[string]string{"phone": "error.phone"}},
		{name: "unknown language", in: ProfileInput{Name: "R", Language: "fr"}, want: map[string]string{"language": "error.invalid"}},
		{name: "everything at once", in: ProfileInput{Phone: "x", Language: "EN"},
			want: map[string]string{"name": "error.required", "phone": "error.phone", "language": "error.invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := tt.in
			err := in.Validate()
			if tt.want == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.out, in)
				return
			}
			var v *ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.want, v.Fields)
		})
	}
}

func TestUpdateProfileChangesOnlyTheActor(t *testing.T) {
	t.Parallel()
	svc, f, _ := newProfileService()
	ctx := context.Background()
	rosa := f.users[profRosa]
	luisBefore := f.users[profLuis]

	u, err := svc.UpdateProfile(ctx, rosa.Actor(), ProfileInput{Name: " Rosa  Díaz ", Phone: "600 000 000", Language: "en"})
	require.NoError(t, err)
	assert.Equal(t, "Rosa Díaz", u.Name)
	assert.Equal(t, "600 000 000", u.Phone)
	assert.Equal(t, "en", u.Language)
	assert.Equal(t, rosa.Email, u.Email, "the email is not the user's to change")
	assert.Equal(t, RoleCustomer, u.Role)
	assert.Equal(t, luisBefore, f.users[profLuis])

	_, err = svc.UpdateProfile(ctx, rosa.Actor(), ProfileInput{Name: ""})
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "Rosa Díaz", f.users[profRosa].Name, "invalid input changes nothing")
}

func TestAccountOperationsRefuseOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		by   Actor
		want error
	}{
		{"system", System(profTenant), ErrForbidden},
		{"no user", Actor{Kind: ActorUser, Tenant: profTenant, Role: RoleCustomer}, ErrForbidden},
		{"no tenant", Actor{Kind: ActorUser, User: profRosa, Role: RoleCustomer}, ErrForbidden},
		{"another tenant", Actor{Kind: ActorUser, Tenant: profTenant + 1, User: profRosa, Role: RoleCustomer}, ErrNotFound},
		{"disabled", Actor{Kind: ActorUser, Tenant: profTenant, User: profDisabled, Role: RoleCustomer}, ErrNotFound},
		{"unknown", Actor{Kind: ActorUser, Tenant: profTenant, User: 999, Role: RoleCustomer}, ErrNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, f, _ := newProfileService()
			_, err := svc.UpdateProfile(ctx, tt.by, ProfileInput{Name: "X"})
			assert.ErrorIs(t, err, tt.want)
			_, err = svc.ChangePassword(ctx, tt.by, oldPassword, "otra frase bastante larga")
			assert.ErrorIs(t, err, tt.want)
			_, err = svc.SignOutEverywhere(ctx, tt.by)
			assert.ErrorIs(t, err, tt.want)
			assert.Zero(t, f.calls)
		})
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
		{name: "absurdly long current", current: strings.Repeat("x", 4*MaxPasswordLen+1), newPass: fresh,
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, f, h := newProfileService()
			_, err := svc.ChangePassword(ctx, f.users[profLuis].Actor(), tt.current, tt.newPass)
			var v *ValidationError
			require.ErrorAs(t, err, &v)
			assert.Equal(t, tt.want, v.Fields)
			assert.Equal(t, tt.verified, h.verified)
			assert.Zero(t, f.calls)
			assert.Equal(t, "h:"+oldPassword, f.users[profLuis].PasswordHash)
			assert.Equal(t, 4, f.users[profLuis].SessionEpoch)
		})
	}

	t.Run("right current", func(t *testing.T) {
		t.Parallel()
		svc, f, _ := newProfileService()
		epoch, err := svc.ChangePassword(ctx, f.users[profLuis].Actor(), oldPassword, fresh)
		require.NoError(t, err)
		assert.Equal(t, 5, epoch)
		assert.Equal(t, "h:"+fresh, f.users[profLuis].PasswordHash)
		assert.Equal(t, "h:"+oldPassword, f.users[profRosa].PasswordHash)
	})
}

func TestSignOutEverywhereBumpsTheEpoch(t *testing.T) {
	t.Parallel()
	svc, f, _ := newProfileService()
	ctx := context.Background()
	e1, err := svc.SignOutEverywhere(ctx, f.users[profRosa].Actor())
	require.NoError(t, err)
	e2, err := svc.SignOutEverywhere(ctx, f.users[profRosa].Actor())
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, []int{e1, e2})
	assert.Equal(t, 4, f.users[profLuis].SessionEpoch)
}
