#!/bin/bash
# bash completion: every command and option `virtcap --help` lists is offered, in the right
# place, with the values virtcap takes (the check profiles asked of virtcap itself), and comma
# lists complete their last element. Run by bash with the script sourced, as bash-completion
# would; the lists are compared with what virtcap's own --help and errors say.
. "$(dirname "$0")/lib/tap.sh"
plan_lazy
top=$(cd "$(dirname "$0")/.." && pwd)
script=$top/docs/completion/virtcap.bash

bash -n "$script"
ok $? "the completion script parses"
# shellcheck source=/dev/null
. "$script"
complete -p virtcap 2>/dev/null | grep -q -- '-F _virtcap virtcap$'
ok $? "it registers _virtcap for virtcap"

offer() {	# WORDS...: what completing the last word offers, sorted, one line
	COMP_WORDS=("$VIRTCAP" "$@")
	COMP_CWORD=$(($# ))
	COMPREPLY=()
	_virtcap
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}
has_all() {	# OFFERED WANTED...: the words of WANTED missing from OFFERED
	local missing="" w
	for w in $2; do case " $1 " in *" $w "*) ;; *) missing="$missing $w" ;; esac; done
	echo "${missing# }"
}

help=$("$VIRTCAP" --help)
commands=$(echo "$help" | sed -n '/^commands:/,/^options:/p' | awk '/^  [a-z]/ { print $1 }' | sort -u)
is "$(has_all "$(offer "")" "$commands")" "" "every command of --help is offered first"
global=$(echo "$help" | sed -n '/^options:/,$p' | grep -o -- ' --\?[a-zA-Z][a-z-]*' | sort -u | tr -d ' ')
is "$(has_all "$(offer -)" "$global")" "" "every option of --help is offered"
for c in lab check fleet prove; do
	# its usage lines: "  lab [...]" and the "      [...]" lines under it
	opts=$(echo "$help" | awk -v c="$c" '$1 == c && /^  [a-z]/ { on = 1; print; next }
		on && /^      [[]/ { print; next } { on = 0 }' | grep -o -- '--[a-z0-9-]*' | sort -u)
	is "$(has_all "$(offer "$c" -)" "$opts")" "" "$c: every option --help gives it is offered"
done

# the values, against what virtcap itself accepts
profiles=$("$VIRTCAP" check --list-profiles | awk '/^[a-z]/ { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
is "$(offer check --profile "")" "$profiles" "check --profile: the profiles virtcap lists"
guests=$("$VIRTCAP" advise 2>&1 | awk '/^  [a-z]/ { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//')
is "$(has_all "$(offer advise "")" "$guests")" "" "advise: every guest virtcap lists ($guests)"
only=$("$VIRTCAP" prove --only nosuch 2>&1 | sed -n 's/.*(known: \(.*\))$/\1/p')
[ -n "$only" ]
ok $? "virtcap names its proofs when --only gets an unknown one"
is "$(has_all "$(offer prove --only "")" "$only")" "" "prove --only: every proof id"
is "$(offer prove --only real16,lo)" "real16,long64" "a comma list completes its last element"
is "$(offer fleet --format "")" "csv html markdown text" "fleet --format: its four formats"
is "$(offer lab --engine "")" "bochs qemu" "lab --engine: qemu and bochs"
is "$(offer lab --json -- pro)" "" "after lab's --, the inner virtcap's words are not completed"
done_testing
