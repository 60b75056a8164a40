package text

import "unsafe"

// unsafeString views b as a string without copying. The caller must not
// modify b while the string is in use; the interner copies every string it
// keeps (map keys, term texts).
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// unsafeBytes views s as a byte slice without copying; the slice must not be
// modified.
func unsafeBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
