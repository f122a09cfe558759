package ordered

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestMap: results come in order of i whatever order the calls end in, errors with
// theirs, at most a core's worth of calls at once; calls run at most two a core ahead of
// the results yielded, so breaking out at the first stops all but those.
func TestMap(t *testing.T) {
	var running, most atomic.Int32
	f := func(i int) (int, error) {
		now := running.Add(1)
		for {
			m := most.Load()
			if now <= m || most.CompareAndSwap(m, now) {
				break
			}
		}
		time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond)
		running.Add(-1)
		if i%7 == 3 {
			return 0, fmt.Errorf("job %d", i)
		}
		return i * i, nil
	}
	i := 0
	for v, err := range Map(200, f) {
		if i%7 == 3 {
			if err == nil || err.Error() != fmt.Sprintf("job %d", i) {
				t.Fatalf("job %d: error %v", i, err)
			}
		} else if err != nil || v != i*i {
			t.Fatalf("job %d: %d, %v (expected %d)", i, v, err, i*i)
		}
		i++
	}
	if i != 200 {
		t.Fatalf("%d results of 200", i)
	}
	if m := int(most.Load()); m > runtime.GOMAXPROCS(0) {
		t.Fatalf("%d calls at once on %d cores", m, runtime.GOMAXPROCS(0))
	}

	var calls atomic.Int32
	for _, err := range Map(1000, func(i int) (int, error) {
		calls.Add(1)
		return i, errors.New("stop")
	}) {
		if err != nil {
			break
		}
	}
	if c := calls.Load(); c > int32(2*runtime.GOMAXPROCS(0)) {
		t.Fatalf("%d calls after breaking at the first result (at most two a core run ahead)", c)
	}
	for range Map(0, f) {
		t.Fatal("a result of no jobs")
	}
}
