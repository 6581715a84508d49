#!/usr/bin/env bash
# Install the peers `hiervec bench -peers` runs next to hiervec, from Debian's
# packages: gensim 4.2 (python3-gensim, for /usr/bin/python3) and fastText
# 0.9.2 (fasttext). Idempotent: installs only what is missing, then prints the
# versions. Needs root (or sudo) when something is missing.
set -euo pipefail

missing=()
/usr/bin/python3 -c 'import gensim' 2>/dev/null || missing+=(python3-gensim)
command -v fasttext >/dev/null 2>&1 || missing+=(fasttext)

if ((${#missing[@]} > 0)); then
	sudo=()
	if [[ $(id -u) -ne 0 ]]; then
		sudo=(sudo)
	fi
	echo "installing: ${missing[*]}"
	"${sudo[@]}" apt-get update
	"${sudo[@]}" apt-get install -y "${missing[@]}"
fi

echo "gensim $(/usr/bin/python3 -c 'import gensim; print(gensim.__version__)') ($(/usr/bin/python3 --version 2>&1))"
echo "fasttext $(dpkg-query -W -f '${Version}' fasttext 2>/dev/null || echo unknown) ($(command -v fasttext))"
