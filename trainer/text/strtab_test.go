package text

import (
	"fmt"
	"testing"
)

func TestStrTable(t *testing.T) {
	t.Parallel()
	tab := newStrTable()
	const n = 5000 // forces several grows
	key := func(i int) []byte { return fmt.Appendf(nil, "k%d", i*7919) }
	for i := range n {
		if _, ok := tab.get(key(i)); ok {
			t.Fatalf("key %d found before put", i)
		}
		tab.put(key(i), int32(i))
	}
	tab.put([]byte{}, -5) // the empty key is a key like any other
	for i := range n {
		if v, ok := tab.get(key(i)); !ok || v != int32(i) {
			t.Fatalf("get(%s) = %d, %v; want %d", key(i), v, ok, i)
		}
	}
	if v, ok := tab.get(nil); !ok || v != -5 {
		t.Fatalf("empty key: %d, %v", v, ok)
	}
	if _, ok := tab.get([]byte("missing")); ok {
		t.Fatal("missing key found")
	}
	// Keys that differ only past the first 8 bytes, and in length.
	tab.put([]byte("abcdefgh1"), 1)
	tab.put([]byte("abcdefgh2"), 2)
	tab.put([]byte("abcdefgh"), 3)
	for k, want := range map[string]int32{"abcdefgh1": 1, "abcdefgh2": 2, "abcdefgh": 3} {
		if v, ok := tab.get([]byte(k)); !ok || v != want {
			t.Errorf("get(%q) = %d, %v; want %d", k, v, ok, want)
		}
	}
}
