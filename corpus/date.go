package corpus

// Dates are kept as int32 yyyymmdd (20190304): ordering the ints orders the
// dates, and the year is date/10000. They are parsed by hand: a row's date is
// read once per row of a possibly 100-million-row extract, and time.Parse
// would dominate the read time.

// dateExpected is the "what was expected" part of a date error.
const dateExpected = "expected a date like 2019-03-04, 2019-03-04 14:38:00 or 03/04/2019"

// parseDate parses the date part of an extract date field and returns it as
// yyyymmdd. Accepted forms:
//
//	2019-03-04                  ISO 8601 date
//	2019-03-04 14:38:00         with a time (seconds and fractions optional)
//	2019-03-04T14:38:00Z        any RFC 3339 timestamp (offset ignored: the
//	                            calendar date as written is kept)
//	03/04/2019, 3/4/2019        US month/day/year, optionally with a time
//
// Surrounding white space is ignored. The day must exist in its month
// (leap years included).
func parseDate(s string) (int32, bool) {
	s = trimSpace(s)
	var y, m, d int
	var rest string
	switch {
	case len(s) >= 10 && s[4] == '-' && s[7] == '-':
		var ok1, ok2, ok3 bool
		y, ok1 = digits(s[0:4])
		m, ok2 = digits(s[5:7])
		d, ok3 = digits(s[8:10])
		if !ok1 || !ok2 || !ok3 {
			return 0, false
		}
		rest = s[10:]
	default:
		// US: M/D/YYYY with 1- or 2-digit month and day.
		i := 0
		var ok bool
		if m, i, ok = number(s, i, 1, 2); !ok || i >= len(s) || s[i] != '/' {
			return 0, false
		}
		if d, i, ok = number(s, i+1, 1, 2); !ok || i >= len(s) || s[i] != '/' {
			return 0, false
		}
		if y, i, ok = number(s, i+1, 4, 4); !ok {
			return 0, false
		}
		rest = s[i:]
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	if !validTime(rest) {
		return 0, false
	}
	return int32(y*10000 + m*100 + d), true
}

// validTime accepts what may follow a date: nothing, or ' ' or 'T' and a
// time hh:mm[:ss[.frac]] with an optional Z or ±hh:mm / ±hhmm offset.
func validTime(s string) bool {
	if s == "" {
		return true
	}
	if s[0] != ' ' && s[0] != 'T' {
		return false
	}
	s = s[1:]
	if len(s) < 5 || s[2] != ':' {
		return false
	}
	hh, ok1 := digits(s[0:2])
	mm, ok2 := digits(s[3:5])
	if !ok1 || !ok2 || hh > 24 || mm > 59 {
		return false
	}
	s = s[5:]
	if len(s) >= 3 && s[0] == ':' {
		ss, ok := digits(s[1:3])
		if !ok || ss > 60 {
			return false
		}
		s = s[3:]
		if len(s) > 1 && (s[0] == '.' || s[0] == ',') {
			i := 1
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if i == 1 {
				return false
			}
			s = s[i:]
		}
	}
	switch {
	case s == "" || s == "Z" || s == "z":
		return true
	case s[0] == '+' || s[0] == '-':
		o := s[1:]
		switch len(o) {
		case 2:
			_, ok := digits(o)
			return ok
		case 4:
			_, ok := digits(o)
			return ok
		case 5:
			_, ok1 := digits(o[0:2])
			_, ok2 := digits(o[3:5])
			return o[2] == ':' && ok1 && ok2
		}
	}
	return false
}

// digits parses s, which must be all ASCII digits.
func digits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// number parses between min and max digits of s starting at i and returns
// the value and the index after it.
func number(s string, i, min, max int) (int, int, bool) {
	j := i
	n := 0
	for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
		n = n*10 + int(s[j]-'0')
		j++
	}
	if j-i < min {
		return 0, i, false
	}
	return n, j, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// trimSpace trims ASCII white space without allocating.
func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'
}
