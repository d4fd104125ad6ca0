package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/alexedwards/scs/v2"
)

// SessionCodec encodes the session values Atiende stores (int64, int,
// string, bool) in a small binary form instead of gob. gob describes its
// types in every encoded session and decodes them by reflection: it was
// about a tenth of the queue page's server CPU, for a row of four numbers.
//
// It still reads the sessions written by scs.GobCodec, so that the
// sessions of a running deployment survive an upgrade: a typed session
// starts with a 0 byte, which a gob stream never does (it starts with the
// length of its first message, never 0). A session holding a value of any
// other type is written with gob, so Put keeps accepting what it accepted.
// The reverse does not hold: a server built before this codec cannot read
// what it writes, and scs answers a session it cannot decode with an
// error page. While old and new servers share the sessions table (a
// rolling deploy), or after a rollback, a request carrying a session a
// new server wrote fails on an old one until that session expires.
type SessionCodec struct{}

const (
	sessionCodecMark    = 0x00 // first byte: not gob
	sessionCodecVersion = 0x01

	tagInt64  = 'i'
	tagInt    = 'n'
	tagString = 's'
	tagFalse  = 'f'
	tagTrue   = 't'
)

var errSessionData = errors.New("session: malformed data")

// Encode writes deadline and values: the mark, the version, the deadline
// in Unix nanoseconds, the number of values, then per value its key, a
// type tag and the value.
func (SessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	size := 3 + 2*binary.MaxVarintLen64
	for k, v := range values {
		size += 1 + len(k) + 2*binary.MaxVarintLen64
		switch v := v.(type) {
		case int64, int, bool:
		case string:
			size += len(v)
		default:
			return scs.GobCodec{}.Encode(deadline, values)
		}
	}
	b := make([]byte, 0, size)
	b = append(b, sessionCodecMark, sessionCodecVersion)
	b = binary.AppendVarint(b, deadline.UnixNano())
	b = binary.AppendUvarint(b, uint64(len(values)))
	for k, v := range values {
		b = appendBytes(b, k)
		switch v := v.(type) {
		case int64:
			b = binary.AppendVarint(append(b, tagInt64), v)
		case int:
			b = binary.AppendVarint(append(b, tagInt), int64(v))
		case string:
			b = appendBytes(append(b, tagString), v)
		case bool:
			if v {
				b = append(b, tagTrue)
			} else {
				b = append(b, tagFalse)
			}
		}
	}
	return b, nil
}

func appendBytes(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// Decode reads what Encode wrote, or a gob session of scs.GobCodec.
func (SessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if len(b) == 0 || b[0] != sessionCodecMark {
		return scs.GobCodec{}.Decode(b)
	}
	d := sessionDecoder{b: b[1:]}
	if v := d.byte(); v != sessionCodecVersion {
		return time.Time{}, nil, fmt.Errorf("session: data version %d: %w", v, errSessionData)
	}
	deadline := time.Unix(0, d.varint())
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) { // each value takes 2 bytes at least
		return time.Time{}, nil, errSessionData
	}
	values := make(map[string]any, n)
	for range n {
		k := d.string()
		switch d.byte() {
		case tagInt64:
			values[k] = d.varint()
		case tagInt:
			v := d.varint()
			if v < math.MinInt || v > math.MaxInt {
				d.err = errSessionData
			}
			values[k] = int(v)
		case tagString:
			values[k] = d.string()
		case tagTrue:
			values[k] = true
		case tagFalse:
			values[k] = false
		default:
			d.err = errSessionData
		}
		if d.err != nil {
			return time.Time{}, nil, d.err
		}
	}
	if len(d.b) != 0 {
		return time.Time{}, nil, errSessionData
	}
	return deadline, values, nil
}

// sessionDecoder reads b from the front; the first failure sticks in err
// and every later read returns zero values.
type sessionDecoder struct {
	b   []byte
	err error
}

func (d *sessionDecoder) byte() byte {
	if d.err != nil || len(d.b) == 0 {
		d.err = errSessionData
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *sessionDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errSessionData
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errSessionData
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *sessionDecoder) string() string {
	n := d.uvarint()
	if d.err != nil || n > uint64(len(d.b)) {
		d.err = errSessionData
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}
