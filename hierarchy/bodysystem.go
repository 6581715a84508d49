package hierarchy

import "github.com/hiervec/hiervec/corpus"

// BodySystemInfo is one CCSR body system: the 3-letter abbreviation that
// starts its categories' ids and its name.
type BodySystemInfo struct {
	Abbrev string // "CIR"
	Name   string // "Diseases of the circulatory system"
}

// bodySystems is the Naming_Conventions sheet of HCUP's CCSR for
// ICD-10-CM reference workbook v2023.1 (DXCCSR-Reference-File-v2023-1.xlsx),
// less the XXX row (HCUP's marker for codes unacceptable as principal or
// first-listed diagnosis, never a category of its own). DEN (dental) first
// appears in v2023.1; earlier versions use the other 21.
var bodySystems = [...]BodySystemInfo{
	{"BLD", "Diseases of the blood and blood-forming organs and certain disorders involving the immune mechanism"},
	{"CIR", "Diseases of the circulatory system"},
	{"DEN", "Dental diseases"},
	{"DIG", "Diseases of the digestive system"},
	{"EAR", "Diseases of the ear and mastoid process"},
	{"END", "Endocrine, nutritional and metabolic diseases"},
	{"EXT", "External causes of morbidity"},
	{"EYE", "Diseases of the eye and adnexa"},
	{"FAC", "Factors influencing health status and contact with health services"},
	{"GEN", "Diseases of the genitourinary system"},
	{"INF", "Certain infectious and parasitic diseases"},
	{"INJ", "Injury, poisoning and certain other consequences of external causes"},
	{"MAL", "Congenital malformations, deformations and chromosomal abnormalities"},
	{"MBD", "Mental, behavioral and neurodevelopmental disorders"},
	{"MUS", "Diseases of the musculoskeletal system and connective tissue"},
	{"NEO", "Neoplasms"},
	{"NVS", "Diseases of the nervous system"},
	{"PNL", "Certain conditions originating in the perinatal period"},
	{"PRG", "Pregnancy, childbirth and the puerperium"},
	{"RSP", "Diseases of the respiratory system"},
	{"SKN", "Diseases of the skin and subcutaneous tissue"},
	{"SYM", "Symptoms, signs and abnormal clinical and laboratory findings, not elsewhere classified"},
}

// BodySystems returns the 22 CCSR body systems of v2023.1, sorted by
// abbreviation.
func BodySystems() []BodySystemInfo {
	out := bodySystems
	return out[:]
}

// BodySystem returns the body system of a CCSR category: its first three
// characters when they are upper-case letters (HCUP's naming convention),
// with the name from BodySystems when the abbreviation is one of them ("" when
// not, as for a plain map's own categories that follow the convention).
// ok is false when the category does not start with three letters, or
// starts with HCUP's XXX marker.
func BodySystem(category string) (bs BodySystemInfo, ok bool) {
	if len(category) < 3 {
		return BodySystemInfo{}, false
	}
	for i := range 3 {
		if c := category[i]; c < 'A' || c > 'Z' {
			return BodySystemInfo{}, false
		}
	}
	abbrev := category[:3]
	if unacceptable(abbrev) {
		return BodySystemInfo{}, false
	}
	for _, b := range bodySystems {
		if b.Abbrev == abbrev {
			return b, true
		}
	}
	return BodySystemInfo{Abbrev: abbrev}, true
}

// bodySystemToken returns the token of a category's body system.
func bodySystemToken(category string) (string, bool) {
	bs, ok := BodySystem(category)
	if !ok {
		return "", false
	}
	return corpus.BodySystemToken(bs.Abbrev), true
}
