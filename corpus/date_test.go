package corpus

import "testing"

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want int32
		ok   bool
	}{
		{"2019-03-04", 20190304, true},
		{" 2019-03-04 ", 20190304, true},
		{"2019-03-04 14:38:00", 20190304, true},
		{"2019-03-04 14:38", 20190304, true},
		{"2019-03-04 14:38:00.123", 20190304, true},
		{"2019-03-04T14:38:00Z", 20190304, true},
		{"2019-03-04T14:38:00+02:00", 20190304, true},
		{"2019-03-04T23:38:00-0500", 20190304, true},
		{"2019-03-04T14:38:00.5Z", 20190304, true},
		{"2196-02-24 14:38:00", 21960224, true}, // MIMIC shifted dates
		{"03/04/2019", 20190304, true},
		{"3/4/2019", 20190304, true},
		{"12/31/2019 08:00", 20191231, true},
		{"2020-02-29", 20200229, true},
		{"2000-02-29", 20000229, true},
		{"1900-02-29", 0, false}, // not a leap year
		{"2019-02-29", 0, false},
		{"2019-13-45", 0, false},
		{"2019-00-10", 0, false},
		{"2019-04-31", 0, false},
		{"2019-3-4", 0, false},
		{"2019/03/04", 0, false},
		{"13/01/2019", 0, false}, // day/month order is not US
		{"03/04/19", 0, false},
		{"2019-03-04x", 0, false},
		{"2019-03-04 25:00", 0, false},
		{"2019-03-04T14:38:00+2", 0, false},
		{"", 0, false},
		{"unknown", 0, false},
		{"0000-01-01", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDate(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseDate(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseDate("2196-02-24 14:38:00")
	}
}
