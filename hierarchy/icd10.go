package hierarchy

// Dotted returns the display form of a normalised ICD-10-CM code, with the
// decimal point after the third character as the released embeddings and
// the code books write it ("E119" -> "E11.9"); codes of three characters or
// fewer are returned as they are.
func Dotted(code string) string {
	if len(code) <= 3 {
		return code
	}
	return code[:3] + "." + code[3:]
}

// Category3 returns the 3-character ICD-10-CM category of a normalised code
// ("E119" -> "E11").
func Category3(code string) string {
	if len(code) <= 3 {
		return code
	}
	return code[:3]
}
