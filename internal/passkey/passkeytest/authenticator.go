// Package passkeytest is a software WebAuthn authenticator for tests: it
// answers the options a relying party sends, as a browser with a platform
// authenticator would, with "none" attestation and ES256 keys made in
// memory. It is not for anything but tests.
package passkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator flags (WebAuthn §6.1).
const (
	flagUP = 0x01 // user present
	flagUV = 0x04 // user verified
	flagAT = 0x40 // attested credential data included
)

// Authenticator holds credentials for any RP ID; Origin is what its
// "browser" puts in the client data.
type Authenticator struct {
	Origin string

	mu    sync.Mutex
	creds []*Credential
}

// Credential is one key the authenticator made.
type Credential struct {
	ID     []byte
	RPID   string
	Handle []byte
	Key    *ecdsa.PrivateKey
	// Count is the signature counter; each assertion adds one first.
	Count uint32
}

// New returns an empty authenticator for pages served at origin.
func New(origin string) *Authenticator { return &Authenticator{Origin: origin} }

var b64 = base64.RawURLEncoding

// creationOptions is what navigator.credentials.create receives.
type creationOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		User struct {
			ID string `json:"id"`
		} `json:"user"`
		Exclude []struct {
			ID string `json:"id"`
		} `json:"excludeCredentials"`
	} `json:"publicKey"`
}

// Create answers registration options (the JSON the server sent) with a
// new credential, and returns the JSON a page posts back.
func (a *Authenticator) Create(options []byte) ([]byte, *Credential, error) {
	var o creationOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, nil, fmt.Errorf("passkeytest: creation options: %w", err)
	}
	handle, err := b64.DecodeString(o.PublicKey.User.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("passkeytest: user id: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	c := &Credential{ID: make([]byte, 32), RPID: o.PublicKey.RP.ID, Handle: handle, Key: key}
	_, _ = rand.Read(c.ID)
	clientData := a.clientData("webauthn.create", o.PublicKey.Challenge)
	pub, err := coseKey(&key.PublicKey)
	if err != nil {
		return nil, nil, err
	}
	attested := make([]byte, 0, 16+2+len(c.ID)+len(pub))
	attested = append(attested, make([]byte, 16)...) // AAGUID: zero for "none"
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(c.ID)))
	attested = append(attested, c.ID...)
	attested = append(attested, pub...)
	authData := append(authenticatorData(c.RPID, flagUP|flagUV|flagAT, 0), attested...)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": authData})
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	a.creds = append(a.creds, c)
	a.mu.Unlock()
	out, err := json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.ID), "rawId": b64.EncodeToString(c.ID), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(clientData), "attestationObject": b64.EncodeToString(att),
			"transports": []string{"internal"}},
		"clientExtensionResults": map[string]any{}, "authenticatorAttachment": "platform",
	})
	return out, c, err
}

// requestOptions is what navigator.credentials.get receives.
type requestOptions struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RPID      string `json:"rpId"`
		Allow     []struct {
			ID string `json:"id"`
		} `json:"allowCredentials"`
	} `json:"publicKey"`
}

// Get answers sign-in options with the first matching credential (one of
// allowCredentials, else any for the RP ID), or with use when not nil.
func (a *Authenticator) Get(options []byte, use *Credential) ([]byte, error) {
	var o requestOptions
	if err := json.Unmarshal(options, &o); err != nil {
		return nil, fmt.Errorf("passkeytest: request options: %w", err)
	}
	c := use
	if c == nil {
		c = a.pick(o.PublicKey.RPID, o.PublicKey.Allow)
	}
	if c == nil {
		return nil, errors.New("passkeytest: no credential for these options")
	}
	a.mu.Lock()
	c.Count++
	count := c.Count
	a.mu.Unlock()
	clientData := a.clientData("webauthn.get", o.PublicKey.Challenge)
	authData := authenticatorData(o.PublicKey.RPID, flagUP|flagUV, count)
	sum := sha256.Sum256(clientData)
	digest := sha256.Sum256(append(append([]byte{}, authData...), sum[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, c.Key, digest[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{
		"id": b64.EncodeToString(c.ID), "rawId": b64.EncodeToString(c.ID), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(clientData), "authenticatorData": b64.EncodeToString(authData),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(c.Handle)},
		"clientExtensionResults": map[string]any{}, "authenticatorAttachment": "platform",
	})
}

func (a *Authenticator) pick(rpID string, allow []struct {
	ID string `json:"id"`
}) *Credential {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := len(a.creds) - 1; i >= 0; i-- {
		c := a.creds[i]
		if c.RPID != rpID {
			continue
		}
		if len(allow) == 0 {
			return c
		}
		for _, d := range allow {
			if d.ID == b64.EncodeToString(c.ID) {
				return c
			}
		}
	}
	return nil
}

func (a *Authenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	return b
}

// authenticatorData is rpIdHash, flags and the counter (WebAuthn §6.1).
func authenticatorData(rpID string, flags byte, count uint32) []byte {
	h := sha256.Sum256([]byte(rpID))
	out := append(h[:], flags)
	return binary.BigEndian.AppendUint32(out, count)
}

// coseKey encodes an ES256 public key as a COSE_Key (RFC 9053): kty EC2,
// alg -7, crv P-256, x, y.
func coseKey(k *ecdsa.PublicKey) ([]byte, error) {
	raw, err := k.Bytes() // 0x04 || x || y
	if err != nil {
		return nil, err
	}
	return cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: raw[1:33], -3: raw[33:65]})
}
