// Command tessera-bench measures durable appends per second of the Tessera
// transparency log (github.com/transparency-dev/tessera) with its POSIX
// storage driver, used as a library. It exists so that Trust Fabric's own log
// can be compared against a well-known tlog-tiles implementation on the same
// machine, in the same benchmark run.
//
// Usage:
//
//	go run . --dir DIR --entries N --size 256 --concurrency 1024
//
// Exactly one JSON line is written to stdout; everything else goes to stderr.
package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/tessera"
	"github.com/transparency-dev/tessera/storage/posix"
	"golang.org/x/mod/sumdb/note"
)

const (
	origin     = "bench.example/tessera"
	modulePath = "github.com/transparency-dev/tessera"
)

var (
	dir         = flag.String("dir", "", "directory for the new log (must not exist or be empty)")
	entries     = flag.Uint64("entries", 20000, "number of entries to append")
	size        = flag.Int("size", 256, "size of each entry in bytes (>= 8)")
	concurrency = flag.Int("concurrency", 1024, "maximum number of Add calls in flight")
	// Tessera's own defaults are 256 entries / 250ms; we set them explicitly so
	// the configuration is visible in the output. A batch size equal to the
	// default concurrency means every batch fills immediately (size-triggered,
	// never waiting for maxAge). Each batch costs a fixed number of fsync'd
	// file writes (bundles, tiles, tree state), so bigger batches are cheaper
	// per entry: on a 2-core ext4 VM 1024 gave ~55k/s vs ~45k/s for 256.
	batchSize = flag.Uint("batch-size", 1024, "Tessera WithBatching maxSize")
	batchAge  = flag.Duration("batch-age", 100*time.Millisecond, "Tessera WithBatching maxAge")
	// 100ms is the minimum the POSIX driver accepts (minCheckpointInterval).
	cpInterval = flag.Duration("checkpoint-interval", 100*time.Millisecond, "Tessera WithCheckpointInterval")
)

// result is the single JSON line printed on stdout.
type result struct {
	Impl               string  `json:"impl"`
	Version            string  `json:"version"`
	Entries            uint64  `json:"entries"`
	EntrySize          int     `json:"entrySize"`
	Concurrency        int     `json:"concurrency"`
	Seconds            float64 `json:"seconds"`
	AppendsPerSec      float64 `json:"appendsPerSec"`
	BytesOnDisk        int64   `json:"bytesOnDisk"`
	BytesPerEntry      float64 `json:"bytesPerEntry"`
	AllocatedBytes     int64   `json:"allocatedBytes"`
	PartialBytes       int64   `json:"partialBytes"`
	Files              int64   `json:"files"`
	BatchMaxSize       uint    `json:"batchMaxSize"`
	BatchMaxAge        string  `json:"batchMaxAge"`
	CheckpointInterval string  `json:"checkpointInterval"`
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "tessera-bench: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	switch {
	case *dir == "":
		return errors.New("--dir is required")
	case *entries == 0:
		return errors.New("--entries must be > 0")
	case *size < 8 || *size > tessera.DefaultEntrySizeLimit:
		return fmt.Errorf("--size must be in [8, %d]", tessera.DefaultEntrySizeLimit)
	case *concurrency < 1:
		return errors.New("--concurrency must be >= 1")
	}
	// A benchmark of appends to an existing log would measure something else
	// (and the index checks below assume the log starts empty).
	if des, err := os.ReadDir(*dir); err == nil && len(des) > 0 {
		return fmt.Errorf("%s is not empty; the benchmark needs a fresh log", *dir)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	if err != nil {
		return err
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}

	driver, err := posix.New(ctx, posix.Config{Path: *dir})
	if err != nil {
		return fmt.Errorf("posix.New: %w", err)
	}
	opts := tessera.NewAppendOptions().
		WithCheckpointSigner(signer).
		WithBatching(*batchSize, *batchAge).
		WithCheckpointInterval(*cpInterval)
	// NewAppender initialises the log (state dir + size-0 checkpoint); this
	// set-up is deliberately outside the timed section.
	appender, shutdown, reader, err := tessera.NewAppender(ctx, driver, opts)
	if err != nil {
		return fmt.Errorf("tessera.NewAppender: %w", err)
	}
	// The awaiter polls the published checkpoint file; a short poll period
	// keeps its contribution to the measured time negligible.
	awaiter := tessera.NewPublicationAwaiter(ctx, reader.ReadCheckpoint, 10*time.Millisecond)

	version := moduleVersion()
	info("tessera %s posix dir=%s entries=%d size=%d concurrency=%d batchMaxSize=%d batchMaxAge=%s checkpointInterval=%s",
		version, *dir, *entries, *size, *concurrency, *batchSize, *batchAge, *cpInterval)

	n := *entries
	// seen has one bit per expected index, to check that Tessera assigned
	// every index in [0, N) exactly once.
	seen := make([]atomic.Uint64, (n+63)/64)
	var next, done atomic.Uint64
	var firstErr error
	var errOnce sync.Once

	start := time.Now()
	stopProgress := progress(start, &done, n)

	// C workers each keep exactly one Add in flight: Add, then block on the
	// future. For the POSIX driver the future resolves only after the batch
	// holding the entry has been written (O_SYNC + directory fsync) and
	// integrated into the tree, i.e. it is durable but not yet published.
	var wg sync.WaitGroup
	for w := 0; w < *concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				idx, err := appender.Add(ctx, tessera.NewEntry(entryData(i, *size)))()
				if err == nil && idx.Index >= n {
					err = fmt.Errorf("index %d out of range for a fresh log of %d entries", idx.Index, n)
				}
				if err == nil && seen[idx.Index/64].Or(1<<(idx.Index%64))&(1<<(idx.Index%64)) != 0 {
					err = fmt.Errorf("index %d assigned twice", idx.Index)
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		stopProgress()
		return firstErr
	}

	// All N indices are assigned and integrated; the count stops only once a
	// signed checkpoint committing to the last index has been published.
	_, cpRaw, err := awaiter.Await(ctx, func() (tessera.Index, error) { return tessera.Index{Index: n - 1}, nil })
	elapsed := time.Since(start)
	stopProgress()
	if err != nil {
		return fmt.Errorf("awaiting checkpoint: %w", err)
	}

	// Verify, outside the timed section, that the checkpoint is signed by our
	// key for our origin and commits to exactly N entries.
	cp, _, _, err := log.ParseCheckpoint(cpRaw, origin, verifier)
	if err != nil {
		return fmt.Errorf("published checkpoint: %w", err)
	}
	if cp.Size != n {
		return fmt.Errorf("published checkpoint has size %d, want %d", cp.Size, n)
	}
	if err := shutdown(ctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	cancel() // stop Tessera's background publisher/GC before measuring disk use

	du, err := diskUsage(*dir)
	if err != nil {
		return err
	}
	info("done: %d entries in %.2fs, checkpoint size %d root %x", n, elapsed.Seconds(), cp.Size, cp.Hash)

	return json.NewEncoder(os.Stdout).Encode(result{
		Impl:               "tessera-posix",
		Version:            version,
		Entries:            n,
		EntrySize:          *size,
		Concurrency:        *concurrency,
		Seconds:            elapsed.Seconds(),
		AppendsPerSec:      float64(n) / elapsed.Seconds(),
		BytesOnDisk:        du.bytes,
		BytesPerEntry:      float64(du.bytes) / float64(n),
		AllocatedBytes:     du.allocated,
		PartialBytes:       du.partial,
		Files:              du.files,
		BatchMaxSize:       *batchSize,
		BatchMaxAge:        batchAge.String(),
		CheckpointInterval: cpInterval.String(),
	})
}

// entryData returns the deterministic payload for entry i: its 8-byte
// big-endian index (which also keeps entries distinct) followed by a filler
// pattern derived from the index, size bytes in total.
func entryData(i uint64, size int) []byte {
	b := make([]byte, size)
	binary.BigEndian.PutUint64(b, i)
	for j := 8; j < size; j++ {
		b[j] = byte(i) ^ byte(j)
	}
	return b
}

type usage struct{ bytes, allocated, partial, files int64 }

// diskUsage sums the sizes of all regular files under root. allocated is
// st_blocks*512 (what the filesystem really holds, including block rounding);
// partial counts the bytes in Tessera's partial tile/bundle files (".p/"
// directories), which its garbage collector removes lazily and are thus an
// artefact of when the run stopped rather than a steady-state cost.
func diskUsage(root string) (usage, error) {
	var u usage
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		u.files++
		u.bytes += fi.Size()
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			u.allocated += st.Blocks * 512
		}
		if strings.Contains(path, ".p"+string(filepath.Separator)) {
			u.partial += fi.Size()
		}
		return nil
	})
	return u, err
}

// moduleVersion reports the Tessera version linked into this binary, as
// resolved from go.mod.
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == modulePath {
				if m.Replace != nil {
					return m.Replace.Version
				}
				return m.Version
			}
		}
	}
	return "unknown"
}

// progress prints a line to stderr every 5s until the returned func is called.
func progress(start time.Time, done *atomic.Uint64, n uint64) func() {
	t := time.NewTicker(5 * time.Second)
	quit := make(chan struct{})
	go func() {
		for {
			select {
			case <-quit:
				return
			case <-t.C:
				d, s := done.Load(), time.Since(start).Seconds()
				info("%d/%d integrated, %.1fs, %.0f/s", d, n, s, float64(d)/s)
			}
		}
	}()
	return func() { t.Stop(); close(quit) }
}

func info(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
