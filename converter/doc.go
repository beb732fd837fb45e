// Package converter is the batch engine of ImageConverter: it turns photos and folders into WebP or
// AVIF copies on the local disk. It knows nothing of plans or accounts; the desktop app (app.go) asks
// licensing what is allowed and then drives this package, and cmd/convert drives it from a terminal.
//
// # Planning and running are separate
//
//	opts := converter.DefaultOptions()          // every default, documented on Options
//	opts.Format = "avif"
//	plan, err := converter.Plan(ctx, paths, opts) // *Batch: walk, name outputs, pre-skip; headers only
//	// plan.Tasks: files to convert; plan.Decided: skipped/failed already, each with a reason.
//	// The app counts len(plan.Tasks) against its quotas and runs a prefix, queueing the rest.
//	sum, err := converter.Run(ctx, plan.Tasks[:n], plan.Options, onProgress)
//	sum = converter.Merge(sum, plan.Summary())  // include the pre-decided files
//
// Convert does Plan+Run+Merge in one call. Errors returned by Plan and Run are only for invalid
// options, no paths, or cancellation of planning; everything about a single file is a FileResult with
// a Status (converted, skipped, failed, cancelled), a stable Code for translation and an English Reason.
// Tasks are plain values (JSON-friendly), so a queue can be kept between runs; Run re-checks the disk.
//
// # Walking
//
// Files named explicitly are always considered, whatever their extension. Folders (only when
// Options.Folders; otherwise each folder gets a CodeFolderNotAllowed result) are walked recursively:
//   - image files are picked by extension (jpg jpeg jpe jfif png gif bmp tif tiff webp avif heic heif);
//     other files are ignored silently and counted in Plan.Ignored, as are hidden files;
//   - hidden folders (".name"; on Windows the hidden/system attribute) and system folders are not
//     entered: $RECYCLE.BIN, RECYCLER, System Volume Information, $WINDOWS.~BT/~WS, lost+found,
//     __MACOSX, @eaDir, #recycle, node_modules, and the home's Library (macOS) and AppData (Windows).
//     macOS's Trash (.Trash, .Trashes) is hidden anyway; macOS's hidden flag (UF_HIDDEN) counts too.
//     Package folders (.photoslibrary, .photolibrary, .aplibrary, .lrdata, .lrlibrary, .app, .bundle,
//     .framework, ...) are never entered, so a photo library's insides are not written into.
//     A folder named explicitly is always walked;
//   - symlinks are followed; each folder is visited once (device+inode; resolved path on Windows), so
//     symlink loops end;
//   - our own earlier outputs are never converted again: a .webp/.avif next to a source with the same
//     name ("IMG_1.jpg" + "IMG_1.webp") is passed over (Plan.OwnOutputs), as is "a-png.webp" (the
//     name given to a second source with the same stem); of a .webp/.avif pair with one stem, the one
//     not older than the other is the output. The output folder and everything under it are skipped
//     when they lie inside a walked folder.
//
// # Outputs
//
// "photo.jpg" becomes "photo.webp" next to it, or below Options.OutputDir mirroring the dropped
// folder ("OutputDir/<dropped folder>/<sub-folders>/photo.webp"; a dropped file goes straight into
// OutputDir). If two sources of one batch share a name ("a.jpg", "a.png"), the second becomes
// "a-png.webp". An output that exists and is not older than its source is "already converted" and
// skipped (unless Options.Reconvert); otherwise Options.Existing decides: skip (default), overwrite,
// or rename to "a (1).webp", numbered from the source's own name ("beach (1).jpg" → "beach (1) (1).webp";
// a later run finds an up-to-date "a (n).webp" and skips). A source already in the output format is skipped unless an OutputDir is
// set. Animated GIF/WebP are skipped with CodeAnimated rather than flattened.
//
// Writing is atomic: the output is encoded into a temporary file in the destination folder, flushed
// to disk, given the source's modification time (Options.KeepModTime) and then published in one step.
// On Linux the temporary file is anonymous (O_TMPFILE) and linked in, so even SIGKILL leaves nothing;
// elsewhere it is named ".ic-tmp-<pid>-<random>.<ext>" and stale ones (dead PID, or a day old) are
// swept the next time a run writes to that folder. An output that is not smaller than its source is
// discarded and the file reported as skipped (CodeLarger), unless SkipIfLarger is off. Originals are
// only ever opened for reading.
//
// # Running
//
// Options.Workers goroutines (default: CPU cores) convert files; a weighted semaphore of
// Options.PixelBudget pixels (from each header's width×height) keeps huge images from running N at
// once, and an image above the whole budget runs alone. Encoders get the cores the workers leave
// over, counted when each file starts: one thread per file while files wait in the queue, all cores
// for a file that starts with none behind it (a single dropped photo, the tail of a batch). AVIF
// uses them as libaom threads; WebP turns on libwebp's multi-threaded analysis, which writes the
// same bytes.
// Cancelling ctx starts no new file and reports the rest as cancelled; files in flight are discarded
// (no output, no temporary file). A native WebP encode stops mid-file (libwebp's progress hook), within
// milliseconds; libavif 0.11 has no such hook, so an AVIF file in flight finishes first (a few seconds
// for a large photo) and its output is thrown away.
//
// onProgress receives Progress at most every ProgressInterval (100 ms) and a final event with
// Final set; it is never called concurrently. Each event carries the results finished since the
// previous one (Files), so a UI list misses none. Summary counts converted/skipped/failed/cancelled,
// bytes in/out/saved of converted files, the results sorted by source path, and the encoder backend
// ("native" or "wasm", from encode.Backend) so the app can warn about the slow fallback.
package converter
