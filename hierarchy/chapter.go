package hierarchy

// ChapterInfo describes one chapter of the ICD-10-CM tabular list.
type ChapterInfo struct {
	Number int    // 1..22, in the tabular list's order
	Range  string // first and last 3-character category, "A00-B99"
	Title  string // "Certain infectious and parasitic diseases"
}

// First and Last return the ends of the chapter's range ("A00", "B99").
func (c ChapterInfo) First() string { return c.Range[:3] }

// Last returns the 3-character category that ends the chapter's range.
func (c ChapterInfo) Last() string { return c.Range[4:] }

// chapters are the 22 chapters of the FY2021 ICD-10-CM tabular list (CMS /
// CDC NCHS), titles as in the tabular list. Chapter 22 (U00-U85, codes for
// special purposes such as U07.1 COVID-19) follows chapter 21 in number
// although its codes sort before Z.
var chapters = [...]ChapterInfo{
	{1, "A00-B99", "Certain infectious and parasitic diseases"},
	{2, "C00-D49", "Neoplasms"},
	{3, "D50-D89", "Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism"},
	{4, "E00-E89", "Endocrine, nutritional and metabolic diseases"},
	{5, "F01-F99", "Mental, Behavioral and Neurodevelopmental disorders"},
	{6, "G00-G99", "Diseases of the nervous system"},
	{7, "H00-H59", "Diseases of the eye and adnexa"},
	{8, "H60-H95", "Diseases of the ear and mastoid process"},
	{9, "I00-I99", "Diseases of the circulatory system"},
	{10, "J00-J99", "Diseases of the respiratory system"},
	{11, "K00-K95", "Diseases of the digestive system"},
	{12, "L00-L99", "Diseases of the skin and subcutaneous tissue"},
	{13, "M00-M99", "Diseases of the musculoskeletal system and connective tissue"},
	{14, "N00-N99", "Diseases of the genitourinary system"},
	{15, "O00-O9A", "Pregnancy, childbirth and the puerperium"},
	{16, "P00-P96", "Certain conditions originating in the perinatal period"},
	{17, "Q00-Q99", "Congenital malformations, deformations and chromosomal abnormalities"},
	{18, "R00-R99", "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified"},
	{19, "S00-T88", "Injury, poisoning and certain other consequences of external causes"},
	{20, "V00-Y99", "External causes of morbidity"},
	{21, "Z00-Z99", "Factors influencing health status and contact with health services"},
	{22, "U00-U85", "Codes for special purposes"},
}

// Chapters returns the 22 ICD-10-CM chapters in the tabular list's order.
func Chapters() []ChapterInfo {
	out := chapters
	return out[:]
}

// Chapter returns the chapter of a normalised ICD-10-CM code (or a
// 3-character category) by comparing its first three characters with the
// chapters' ranges; ok is false when the code is shorter than three
// characters, does not start with a letter and a digit, or falls in no
// range (E95, say). Within a range every 3-character category counts, as
// the ranges are inclusive and compared in byte order ("O9A" is in
// O00-O9A, since 'A' sorts after '9').
func Chapter(code string) (ch ChapterInfo, ok bool) {
	if len(code) < 3 || code[0] < 'A' || code[0] > 'Z' || code[1] < '0' || code[1] > '9' {
		return ChapterInfo{}, false
	}
	c3 := code[:3]
	for _, c := range chapters {
		if c.Range[:3] <= c3 && c3 <= c.Range[4:] {
			return c, true
		}
	}
	return ChapterInfo{}, false
}
