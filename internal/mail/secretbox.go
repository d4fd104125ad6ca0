package mail

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
)

// SecretBox seals IMAP passwords with AES-256-GCM under a key derived from
// the mail secret (HMAC-SHA256 with a fixed label, so the signing key and
// this one differ). Changing ATIENDE_MAIL_SECRET makes stored passwords
// unreadable: admins then type them again.
type SecretBox struct{ aead cipher.AEAD }

// NewSecretBox derives the box's key for IMAP passwords from secret.
func NewSecretBox(secret []byte) *SecretBox {
	return NewSecretBoxFor(secret, "atiende-imap-password-v1")
}

// NewSecretBoxFor derives a box's key from secret and label: each kind of
// secret (IMAP passwords, TOTP secrets) gets a key of its own, so one kind
// of sealed value never opens as another.
func NewSecretBoxFor(secret []byte, label string) *SecretBox {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		panic(err) // a 32-byte key never fails
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return &SecretBox{aead: aead}
}

// Seal implements helpdesk.SecretBox: a random nonce, then the ciphertext.
func (b *SecretBox) Seal(plain []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, plain, nil), nil
}

// Open implements helpdesk.SecretBox.
func (b *SecretBox) Open(sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("mail: sealed secret too short")
	}
	return b.aead.Open(nil, sealed[:n], sealed[n:], nil)
}
