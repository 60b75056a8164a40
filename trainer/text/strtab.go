package text

import (
	"encoding/binary"
	"math/bits"
)

// strTable maps byte strings to int32 values. It is an open-addressing hash
// table (linear probing, power-of-two size) whose keys live in one byte
// arena, so a lookup hashes the key once, compares a 32-bit hash tag and
// touches the arena only on a tag match; it never allocates on lookup. The
// tokeniser's per-token lookups dominate TF-IDF time, and this is about twice
// as fast as a Go map[string]int32 there.
type strTable struct {
	slots []strSlot // len is a power of two; empty slots have key == 0
	arena []byte
	keys  []strKey // key i+1 is arena[keys[i].off : keys[i].off+keys[i].len]
	vals  []int32
	mask  uint64
}

type strSlot struct {
	tag uint32 // high bits of the hash
	key uint32 // 1-based index into keys; 0 marks an empty slot
}

type strKey struct {
	off int
	len int32
}

func newStrTable() *strTable { return newStrTableSize(0) }

// newStrTableSize returns a table that holds n keys without growing.
func newStrTableSize(n int) *strTable {
	size := 1024
	for 2*n > size {
		size *= 2
	}
	t := &strTable{slots: make([]strSlot, size), keys: make([]strKey, 0, n), vals: make([]int32, 0, n)}
	t.mask = uint64(len(t.slots) - 1)
	return t
}

// hashBytes is a fast non-cryptographic hash (multiply-xorshift over 8-byte
// words); the table only needs a good spread, not resistance to attack, and
// its output never reaches results.
func hashBytes(b []byte) uint64 {
	const m = 0x9E3779B97F4A7C15
	h := uint64(len(b)) * m
	for len(b) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(b)) * m
		h ^= h >> 29
		b = b[8:]
	}
	if len(b) > 0 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		h = (h ^ w) * m
		h ^= h >> 29
	}
	hi, lo := bits.Mul64(h, m)
	return hi ^ lo
}

// get returns the value stored for key.
func (t *strTable) get(key []byte) (int32, bool) {
	h := hashBytes(key)
	tag := uint32(h >> 32)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := t.slots[i]
		if s.key == 0 {
			return 0, false
		}
		if s.tag == tag {
			k := t.keys[s.key-1]
			if string(t.arena[k.off:k.off+int(k.len)]) == string(key) {
				return t.vals[s.key-1], true
			}
		}
	}
}

// put stores val for key, which must not be present yet. Keys longer than
// 2 GiB are not supported (a token is a run of word characters in one document).
func (t *strTable) put(key []byte, val int32) {
	if 2*(len(t.keys)+1) > len(t.slots) { // load factor at most 1/2
		t.grow()
	}
	t.keys = append(t.keys, strKey{off: len(t.arena), len: int32(len(key))})
	t.arena = append(t.arena, key...)
	t.vals = append(t.vals, val)
	t.insert(hashBytes(key), uint32(len(t.keys)))
}

func (t *strTable) insert(h uint64, key uint32) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		if t.slots[i].key == 0 {
			t.slots[i] = strSlot{tag: uint32(h >> 32), key: key}
			return
		}
	}
}

func (t *strTable) grow() {
	t.slots = make([]strSlot, 2*len(t.slots))
	t.mask = uint64(len(t.slots) - 1)
	for i, k := range t.keys {
		t.insert(hashBytes(t.arena[k.off:k.off+int(k.len)]), uint32(i+1))
	}
}
