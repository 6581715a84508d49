// Command extract2parquet writes an extract that hiervec synth wrote
// (patient_id,date,icd10_code, dates as YYYY-MM-DD) as a Parquet file laid
// out as Spark writes one: the patient id a string, the date a DATE, the
// code a dictionary-encoded string, row groups of a million rows. It
// streams: memory is one row group, whatever the size of the extract. The
// scale benchmarks (benchmarks/scale.sh) read the result with hiervec
// inspect beside the CSV.
//
//	go run ./benchmarks/extract2parquet extract.csv extract.parquet
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/parquet-go/parquet-go"
)

type row struct {
	Patient string `parquet:"patient_id"`
	Date    int32  `parquet:"date,date"`
	Code    string `parquet:"icd10_code,dict"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: extract2parquet extract.csv extract.parquet")
		os.Exit(2)
	}
	n, err := convert(os.Args[1], os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "extract2parquet:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s: %d rows\n", os.Args[2], n)
}

func convert(in, out string) (int, error) {
	f, err := os.Open(in)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	tmp := out + ".tmp"
	o, err := os.Create(tmp)
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp)
	bw := bufio.NewWriterSize(o, 1<<20)
	w := parquet.NewGenericWriter[row](bw, parquet.MaxRowsPerRowGroup(1_000_000))
	br := bufio.NewReaderSize(f, 1<<20)
	batch := make([]row, 0, 4096)
	n, line := 0, 0
	flush := func() error {
		_, err := w.Write(batch)
		batch = batch[:0]
		return err
	}
	for {
		l, err := br.ReadSlice('\n')
		if len(l) == 0 && err == io.EOF {
			break
		}
		if err != nil && err != io.EOF {
			return n, err
		}
		line++
		if line == 1 {
			continue // header
		}
		f := bytes.Split(bytes.TrimRight(l, "\r\n"), []byte(","))
		if len(f) != 3 {
			return n, fmt.Errorf("%s:%d: %d fields; want patient_id,date,icd10_code", in, line, len(f))
		}
		d, err := time.Parse(time.DateOnly, string(f[1]))
		if err != nil {
			return n, fmt.Errorf("%s:%d: date: want YYYY-MM-DD", in, line)
		}
		batch = append(batch, row{string(f[0]), int32(d.Unix() / 86400), string(f[2])})
		n++
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := flush(); err != nil {
		return n, err
	}
	if err := errors.Join(w.Close(), bw.Flush(), o.Close()); err != nil {
		return n, err
	}
	return n, os.Rename(tmp, out)
}
