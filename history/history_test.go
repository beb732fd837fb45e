package history

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRunsAreKeptNewestFirstAndPruned(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir)
	base := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	for i := range KeepRuns + 3 {
		r := Run{ID: fmt.Sprintf("run-%02d", i), Ended: base.Add(time.Duration(i) * time.Minute), Format: "webp", Converted: 1,
			Files: []File{{Src: fmt.Sprintf("/p/%d.jpg", i), Status: "converted", BytesIn: 100, BytesOut: 40}}}
		if err := s.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	// A new Store on the same folder: what a restarted app sees.
	again := Open(dir)
	list := again.List()
	if len(list) != KeepRuns || list[0].ID != fmt.Sprintf("run-%02d", KeepRuns+2) || list[KeepRuns-1].ID != "run-03" {
		t.Fatalf("kept %d runs, first %s, last %s", len(list), list[0].ID, list[len(list)-1].ID)
	}
	if len(list[0].Files) != 0 || list[0].FileCount != 1 {
		t.Fatalf("List carries files (%d) or lost the count (%d)", len(list[0].Files), list[0].FileCount)
	}
	if _, err := again.Get("run-00"); err != ErrNotFound {
		t.Fatalf("the oldest run is still kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "run-00.json")); !os.IsNotExist(err) {
		t.Fatal("the oldest run's file was not deleted")
	}
	r, err := again.Get(list[0].ID)
	if err != nil || len(r.Files) != 1 || r.Files[0].BytesOut != 40 {
		t.Fatalf("Get = %+v, %v", r, err)
	}
	if _, err := again.Get("../../etc/passwd"); err != ErrNotFound {
		t.Fatalf("Get with a path: %v", err)
	}
}

func TestDamagedIndexIsAnEmptyHistory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.json"), []byte("{not json"), 0o644)
	s := Open(dir)
	if l := s.List(); len(l) != 0 {
		t.Fatalf("List of a damaged index = %v", l)
	}
	if err := s.Save(Run{ID: "r1", Ended: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if l := s.List(); len(l) != 1 {
		t.Fatalf("after saving over a damaged index: %v", l)
	}
}

func TestCSVOpensInExcelAndRoundTrips(t *testing.T) {
	run := Run{Files: []File{
		{Src: "/사진/여행, 제주/바다.jpg", Dst: "/사진/여행, 제주/바다.webp", Status: "converted", BytesIn: 2000, BytesOut: 500, Quality: 75},
		{Src: "/사진/\"따옴표\".png", Status: "failed", Code: "corrupt", Reason: "The file is damaged."},
	}}
	labels := Labels{
		Header: []string{"파일", "폴더", "원본", "결과", "절약 %", "품질", "상태", "이유", "저장 위치"},
		Status: func(s string) string { return map[string]string{"converted": "변환됨", "failed": "실패"}[s] },
		Reason: func(code, fallback string) string {
			if code == "corrupt" {
				return "파일이 손상되었습니다."
			}
			return fallback
		},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, run, labels); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatal("no UTF-8 byte order mark: Excel would garble Korean names")
	}
	rows, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		labels.Header,
		{"바다.jpg", "/사진/여행, 제주", "2000", "500", "75.0", "75", "변환됨", "", "/사진/여행, 제주/바다.webp"},
		{"\"따옴표\".png", "/사진", "0", "", "", "", "실패", "파일이 손상되었습니다.", ""},
	}
	if fmt.Sprint(rows) != fmt.Sprint(want) {
		t.Fatalf("CSV rows\n got %q\nwant %q", rows, want)
	}
}
