package converter

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"imageconverter/converter/decode"
	"imageconverter/functions/wire"
)

// Task is one file to convert, decided by Plan. Run converts tasks; the app may run a subset (quotas)
// and keep the rest for later.
type Task struct {
	Src     string    `json:"src"`
	Dst     string    `json:"dst"`
	Size    int64     `json:"size"` // bytes of the source
	ModTime time.Time `json:"modTime"`
	// From the header probe: source format and stored dimensions (before orientation). Width*Height is
	// the task's weight in the pixel budget.
	Format string `json:"format"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// Batch is the result of walking the given paths: the files to convert and the files already decided
// (skipped or failed) without converting anything.
type Batch struct {
	Tasks   []Task       // to convert, in walk order
	Decided []FileResult // skipped or failed while planning, each with a reason
	// Ignored counts files passed over silently because they are not images (by extension) or hidden.
	Ignored int
	// OwnOutputs counts .webp/.avif files recognised as earlier outputs of a source beside them.
	OwnOutputs int
	// Options are the normalised options the plan was made with.
	Options Options
}

// Bytes is the total source size of the tasks.
func (p *Batch) Bytes() int64 {
	var n int64
	for _, t := range p.Tasks {
		n += t.Size
	}
	return n
}

// Summary summarises the decided results (no conversion has run).
func (p *Batch) Summary() Summary { return Summarize(p.Decided) }

// NothingToDo explains, for a person, why a plan has no task (empty string when it has tasks).
func (p *Batch) NothingToDo() string {
	if len(p.Tasks) > 0 {
		return ""
	}
	if len(p.Decided) == 0 {
		return "No images found to convert."
	}
	return fmt.Sprintf("Nothing to convert: %d file(s) skipped or failed, see the reasons.", len(p.Decided))
}

// maxNameBytes is the longest file name the usual file systems take (ext4, NTFS, APFS: 255).
const maxNameBytes = 255

// upToDateSlack tolerates file systems with coarse timestamps (FAT keeps 2 s) when comparing the
// output's time with the source's: with KeepModTime the two are equal by design.
const upToDateSlack = 2 * time.Second

// Plan walks paths (files, and folders when opts.Folders), decides the output path of every image and
// pre-skips what needs no work (already converted, existing output under the skip policy, same format,
// animated, too large, unreadable header). It reads only file headers, never pixels, and writes nothing.
// It returns an error only for invalid options, no paths, or cancellation; per-path problems are results.
func Plan(ctx context.Context, paths []string, opts Options) (*Batch, error) {
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, errors.New("nothing to convert: no files or folders were given")
	}
	p := &planner{
		ctx:     ctx,
		opts:    o,
		plan:    &Batch{Options: o},
		visited: map[any]bool{},
		sysDirs: homeSystemDirs(),
		claimed: map[string]bool{},
		seen:    map[string]bool{},
	}
	if o.OutputDir != "" {
		if p.outDir, err = filepath.Abs(o.OutputDir); err != nil {
			return nil, fmt.Errorf("output folder %q: %w", o.OutputDir, err)
		}
	}
	p.outRoots = p.outputRoots(paths)
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.root(path)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Every source is claimed before any output is named, so no output can land on a source of the
	// same batch (say a.png → a.webp while a.webp is itself a source when converting to AVIF).
	// A source skipped by its extension as already in the target format is not claimed: it keeps its
	// name, and claiming it pushed the output of "x.avif" beside an original "x.webp" to a new name on
	// every run ("x-avif.webp", "x (1).webp", …) instead of finding it up to date.
	for _, c := range p.cands {
		if !p.sameFormatByExt(c.src) {
			p.claimed[pathKey(c.src)] = true
		}
	}
	for _, c := range p.cands {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		p.decide(c)
	}
	return p.plan, nil
}

type candidate struct {
	src    string
	fi     fs.FileInfo
	outDir string
}

type planner struct {
	ctx    context.Context
	opts   Options
	plan   *Batch
	outDir string // absolute OutputDir or ""
	// outRoots are the folders outputs of this batch are written below ("OutputDir/<dropped folder>")
	// when they lie inside a dropped folder; they and everything under them are never walked.
	outRoots []string
	visited  map[any]bool
	sysDirs  map[string]bool
	claimed  map[string]bool // output and source paths taken in this batch (pathKey)
	seen     map[string]bool // sources already added (a file named twice, or reached twice)
	cands    []candidate
}

// pathKey folds case where the usual file systems do (Windows, macOS), so two names that are one file
// there are one key here.
func pathKey(p string) string {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return strings.ToLower(p)
	}
	return p
}

func (p *planner) fail(src string, code Code, reason string, size int64) {
	p.plan.Decided = append(p.plan.Decided, FileResult{Src: src, Status: StatusFailed, Code: code, Reason: reason, BytesIn: size})
}

func (p *planner) skip(src, dst string, code Code, reason string, size int64) {
	p.plan.Decided = append(p.plan.Decided, FileResult{Src: src, Dst: dst, Status: StatusSkipped, Code: code, Reason: reason, BytesIn: size})
}

// root handles one path given by the caller.
func (p *planner) root(path string) {
	abs, err := filepath.Abs(path)
	if err != nil {
		p.fail(path, CodeIO, "Could not resolve this path: "+err.Error(), 0)
		return
	}
	fi, err := os.Stat(abs) // follows a symlink given explicitly
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			p.fail(abs, CodeNotFound, "File or folder not found.", 0)
		} else {
			p.fail(abs, ioCode(err), "Could not open: "+ioReason(err), 0)
		}
		return
	}
	if fi.IsDir() {
		if !p.opts.Folders {
			p.skip(abs, "", CodeFolderNotAllowed, "Folders can't be converted in this mode; choose the photos inside it instead.", 0)
			return
		}
		p.walk(abs, fi, p.rootOut(abs))
		return
	}
	if !fi.Mode().IsRegular() {
		p.plan.Ignored++
		return
	}
	out := filepath.Dir(abs)
	if p.outDir != "" {
		out = p.outDir
	}
	// An explicitly named file is converted whatever its extension: the user chose it.
	p.add(abs, fi, out)
}

// rootOut is the folder the outputs of the files directly in the dropped folder abs go to ("" =
// beside them): OutputDir/<name of abs>.
func (p *planner) rootOut(abs string) string {
	if p.outDir == "" {
		return ""
	}
	if filepath.Dir(abs) == abs { // a drive or file-system root has no useful name
		return p.outDir
	}
	return filepath.Join(p.outDir, filepath.Base(abs))
}

// outputRoots lists the output folders of the dropped folders, for the walk to stay out of: with
// "-out in in" the outputs go to in/in, which the next run must not walk (or it writes in/in/in).
// An output folder that is the dropped folder itself or holds it (outputs mirrored onto the sources'
// own folders) is not listed: that would exclude everything; our outputs there are recognised by name.
func (p *planner) outputRoots(paths []string) []string {
	if p.outDir == "" {
		return nil
	}
	var roots []string
	for _, path := range paths {
		abs, err := filepath.Abs(path)
		if err != nil {
			continue
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			continue
		}
		if out := p.rootOut(abs); !within(abs, out) {
			roots = append(roots, out)
		}
	}
	return roots
}

// within reports whether path is dir or lies below it (lexically, case folded where the OS does).
func within(path, dir string) bool {
	rel, err := filepath.Rel(pathKey(dir), pathKey(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// isOutputFolder reports whether the walk must not enter dir because outputs of this batch go there.
func (p *planner) isOutputFolder(dir string) bool {
	if p.outDir == "" {
		return false
	}
	if pathKey(dir) == pathKey(p.outDir) {
		return true
	}
	for _, r := range p.outRoots {
		if within(dir, r) {
			return true
		}
	}
	return false
}

func (p *planner) add(src string, fi fs.FileInfo, outDir string) {
	k := pathKey(src)
	if p.seen[k] {
		return
	}
	p.seen[k] = true
	p.cands = append(p.cands, candidate{src: src, fi: fi, outDir: outDir})
}

// walk visits dir recursively. outDir is where outputs of files directly in dir go ("" = beside them).
func (p *planner) walk(dir string, fi fs.FileInfo, outDir string) {
	if p.ctx.Err() != nil {
		return
	}
	if key, ok := dirKey(dir, fi); ok {
		if p.visited[key] {
			return // a symlink loop, or a second link to a folder already walked
		}
		p.visited[key] = true
	}
	entries, err := os.ReadDir(dir) // sorted by name: plans are deterministic
	if err != nil {
		p.fail(dir, ioCode(err), "Could not open this folder: "+ioReason(err), 0)
		return
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	own := ownOutputs(names, p.opts.ext(), p.opts.NamePattern, func(n string) (time.Time, bool) {
		st, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return time.Time{}, false
		}
		return st.ModTime(), true
	})
	for _, e := range entries {
		name := e.Name()
		full := filepath.Join(dir, name)
		info, err := os.Stat(full) // follow symlinks; loops are caught by dirKey
		if err != nil {
			p.plan.Ignored++ // a broken link or a file that vanished meanwhile
			continue
		}
		if info.IsDir() {
			if skipDirName(name) || hiddenAttr(info) || p.sysDirs[full] || p.isOutputFolder(full) {
				continue
			}
			sub := ""
			if outDir != "" {
				sub = filepath.Join(outDir, name)
			}
			p.walk(full, info, sub)
			continue
		}
		switch {
		case !info.Mode().IsRegular(), strings.HasPrefix(name, "."), hiddenAttr(info), !isInputExt(name):
			p.plan.Ignored++
		case own[name]:
			p.plan.OwnOutputs++
		default:
			out := outDir
			if out == "" {
				out = dir
			}
			p.add(full, info, out)
		}
	}
}

// decide names the output of c and either adds a task or records why not.
func (p *planner) decide(c candidate) {
	o := p.opts
	size := c.fi.Size()
	name := filepath.Base(c.src)
	srcExt := strings.ToLower(filepath.Ext(name))
	if p.sameFormatByExt(c.src) {
		p.skip(c.src, "", CodeSameFormat, fmt.Sprintf("Already a %s file.", wire.Format(o.Format).Name()), size)
		return
	}
	outStem := OutputStem(o.NamePattern, name, c.fi.ModTime())
	if len(outStem)+len(o.ext())+len(" (99)-jpeg") > maxNameBytes {
		p.fail(c.src, CodeNameTooLong, fmt.Sprintf("The output name would be too long for the disk (%d characters); shorten the name pattern or the photo's name.",
			utf8.RuneCountInString(outStem+o.ext())), size)
		return
	}
	dst := filepath.Join(c.outDir, outStem+o.ext())
	if p.claimed[pathKey(dst)] {
		// Two sources with one stem ("a.jpg", "a.png"): the later one keeps its old extension in the
		// name, deterministically, so a second run finds the same output and skips it.
		dst = filepath.Join(c.outDir, outStem+"-"+strings.TrimPrefix(srcExt, ".")+o.ext())
	}
	if p.claimed[pathKey(dst)] {
		dst = p.freeName(dst)
	}
	if st, err := os.Stat(dst); err == nil {
		switch {
		case st.IsDir():
			p.fail(c.src, CodeIO, fmt.Sprintf("Can't write %s: a folder has that name.", filepath.Base(dst)), size)
			return
		case !o.Reconvert && !st.ModTime().Add(upToDateSlack).Before(c.fi.ModTime()):
			p.skip(c.src, dst, CodeAlreadyConverted, "Already converted: the output is up to date.", size)
			return
		case o.Existing == ExistingSkip:
			p.skip(c.src, dst, CodeExists, fmt.Sprintf("%s already exists and was left as is.", filepath.Base(dst)), size)
			return
		case o.Existing == ExistingRename:
			// An earlier rename run may have written "a (1).webp": if that one is up to date, we are done.
			var done bool
			if dst, done = p.renameTarget(dst, c.fi.ModTime()); done {
				p.skip(c.src, dst, CodeAlreadyConverted, "Already converted: the output is up to date.", size)
				return
			}
		}
	}
	cfg, err := probeFile(c.src)
	if err != nil {
		code, reason := classify(err)
		p.fail(c.src, code, reason, size)
		return
	}
	if cfg.Animated {
		p.skip(c.src, "", CodeAnimated, fmt.Sprintf("Animated %s: left as is, because converting would keep only the first frame.", strings.ToUpper(cfg.Format)), size)
		return
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > o.MaxPixels {
		p.fail(c.src, CodeTooLarge, tooLargeReason(cfg.Width, cfg.Height, o.MaxPixels), size)
		return
	}
	if cfg.Format == o.Format && o.OutputDir == "" {
		p.skip(c.src, "", CodeSameFormat, fmt.Sprintf("Already a %s file.", wire.Format(o.Format).Name()), size)
		return
	}
	p.claimed[pathKey(dst)] = true
	p.plan.Tasks = append(p.plan.Tasks, Task{
		Src: c.src, Dst: dst, Size: size, ModTime: c.fi.ModTime(),
		Format: cfg.Format, Width: cfg.Width, Height: cfg.Height,
	})
}

// sameFormatByExt reports whether src is skipped by its extension alone as already in the target format.
func (p *planner) sameFormatByExt(src string) bool {
	return p.opts.OutputDir == "" && strings.ToLower(filepath.Ext(src)) == p.opts.ext()
}

// renameTarget walks "stem (1).ext", "stem (2).ext", … and returns the first name that is free, or
// the first that holds an up-to-date conversion of a source modified at srcTime (done true).
func (p *planner) renameTarget(dst string, srcTime time.Time) (string, bool) {
	for n := 1; ; n++ {
		cand := numbered(dst, n)
		if p.claimed[pathKey(cand)] {
			continue
		}
		st, err := os.Stat(cand)
		if errors.Is(err, fs.ErrNotExist) {
			return cand, false
		}
		if err == nil && !p.opts.Reconvert && !st.IsDir() && !st.ModTime().Add(upToDateSlack).Before(srcTime) {
			return cand, true
		}
	}
}

// numbered turns "dir/a.webp" into "dir/a (n).webp". Unlike renamed (used when a name is taken while
// publishing), it keeps a number the source's own name already has: "beach (1).jpg" becomes
// "beach (1) (n).webp", never "beach (n).webp", which belongs to "beach.jpg" or "beach (n).jpg".
func numbered(dst string, n int) string {
	dir, base := filepath.Split(dst)
	return filepath.Join(dir, fmt.Sprintf("%s (%d)%s", stem(base), n, filepath.Ext(base)))
}

// freeName returns "stem (n).ext" for the smallest n that is neither on disk nor claimed in this batch.
func (p *planner) freeName(dst string) string {
	for n := 1; ; n++ {
		cand := numbered(dst, n)
		if p.claimed[pathKey(cand)] {
			continue
		}
		if _, err := os.Lstat(cand); errors.Is(err, fs.ErrNotExist) {
			return cand
		}
	}
}

func probeFile(path string) (decode.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return decode.Config{}, err
	}
	defer f.Close()
	return decode.Probe(f)
}

func tooLargeReason(w, h int, max int64) string {
	return fmt.Sprintf("Image is %d×%d (%.0f megapixels), above the %.0f megapixel safety limit.",
		w, h, float64(w)*float64(h)/1e6, float64(max)/1e6)
}
