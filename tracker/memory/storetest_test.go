package memory

import (
	"testing"

	"github.com/sweep-ml/sweep/search"
	"github.com/sweep-ml/sweep/tracker/storetest"
)

// The in-memory store passes the search.Store part of the conformance
// suite that the SQL stores pass.
func TestConformance(t *testing.T) {
	storetest.RunSearchStore(t, func(t *testing.T) search.Store { return New(nil) })
}
