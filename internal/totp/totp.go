// Package totp makes and checks RFC 6238 time-based one-time codes with
// github.com/pquerna/otp (ADR 0013) and draws their enrolment QR code as
// SVG path data. The domain (helpdesk.CodeGenerator) decides which time
// steps it accepts and remembers the last one used.
package totp

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/boombuler/barcode/qr"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Period is the length of a time step: 30 seconds, as every
// authenticator app assumes.
const Period = 30

// Generator implements helpdesk.CodeGenerator.
type Generator struct{}

// NewSecret returns a fresh 160-bit secret (base32) and its otpauth URI.
func (Generator) NewSecret(issuer, account string) (secret, uri string, err error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", fmt.Errorf("totp: generate: %w", err)
	}
	return k.Secret(), k.URL(), nil
}

// Code returns the 6-digit code of secret at time step (Unix time / 30).
func (Generator) Code(secret string, step int64) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*Period, 0).UTC(),
		totp.ValidateOpts{Period: Period, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// Step is the time step of t.
func (Generator) Step(t time.Time) int64 { return t.Unix() / Period }

// QR is a QR code as a square of modules: Size modules a side and the
// dark ones as SVG path data ("M x y h1 v1 h-1 z" each), to draw in a
// viewBox of Size×Size with no image file and no inline script or style.
type QR struct {
	Size int
	Path string
}

// QRCode encodes uri (medium error correction) with a quiet zone of four
// modules.
func QRCode(uri string) (QR, error) {
	bc, err := qr.Encode(uri, qr.M, qr.Auto)
	if err != nil {
		return QR{}, fmt.Errorf("totp: qr: %w", err)
	}
	const quiet = 4
	b := bc.Bounds()
	var p strings.Builder
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, _, _, _ := bc.At(x, y).RGBA(); r == 0 {
				p.WriteString("M" + strconv.Itoa(x-b.Min.X+quiet) + " " + strconv.Itoa(y-b.Min.Y+quiet) + "h1v1h-1z")
			}
		}
	}
	return QR{Size: b.Dx() + 2*quiet, Path: p.String()}, nil
}
