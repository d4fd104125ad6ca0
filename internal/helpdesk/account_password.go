package helpdesk

import "errors"

// PasswordStrength estimates how hard a password is to guess. The
// password hasher (internal/password) implements it with zxcvbn; the
// domain asks it through this interface so that it stays standard
// library only. Without one, the length rules alone apply.
type PasswordStrength interface {
	// Weakness returns "" for a password strong enough, or a message key
	// saying why not (a common password, a keyboard pattern, a date, the
	// user's own name…). inputs are words of the user's own (email, name,
	// the desk's name) that make a password easier to guess.
	Weakness(password string, inputs ...string) string
}

// checkPasswordAgainst adds the strength estimate's verdict on pw, given
// the user's own words, to v when the length rules passed.
func (s *Service) checkPasswordAgainst(v *ValidationError, field, pw string, inputs ...string) {
	if _, bad := v.Fields[field]; bad {
		return
	}
	st, ok := s.hasher.(PasswordStrength)
	if !ok {
		return
	}
	if key := st.Weakness(pw, inputs...); key != "" {
		v.Add(field, key)
	}
}

// strengthen adds the strength verdict on pw to err, the result of a
// form's Validate (nil or a ValidationError), so every problem is reported
// at once; any other error is returned as it is.
func (s *Service) strengthen(err error, field, pw string, inputs ...string) error {
	var v *ValidationError
	switch {
	case err == nil:
		v = &ValidationError{}
	case !errors.As(err, &v):
		return err
	}
	s.checkPasswordAgainst(v, field, pw, inputs...)
	return v.Err()
}
