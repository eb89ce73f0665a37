#!/usr/bin/env bash
# Lists every external program that the scripts, tests and benchmarks call, and fails when one is not in
# scripts/deps.tsv (program -> Debian package) or when scripts/install-deps.sh does not install its package.
# A program of the base system (a package of priority required or important: coreutils, bash, procps,
# mount, apt…) and one that no Debian package owns (dotnet) need no line.
# Where a program is installed, `dpkg -S` confirms that the table's package (or one it depends on) provides it.
#   scripts/check-deps.sh            # prints "program -> package (files)" per program, ends with "N passed, N failed"
set -uo pipefail
cd "$(dirname "$0")/.."

table=scripts/deps.tsv
declare -A package_of set_of
while IFS=$'\t' read -r program package set; do
  [[ -z $program || $program == \#* ]] && continue
  package_of[$program]=$package; set_of[$program]=$set
done <"$table"

# The packages install-deps.sh installs: the words of its packages=(…) and packages+=(…) lines.
read -r -a installed_by_script <<<"$(sed -n 's/^[[:space:]]*packages+\{0,1\}=(\(.*\))/\1/p' scripts/install-deps.sh | tr '\n' ' ')"

mapfile -t files < <( { printf '%s\n' run.sh test.sh .ci/run; find scripts bench fuzz tests -type f \( -name '*.sh' -o -name '*.py' -o -name '*.cs' \); } \
  | grep -v -E '(^|/)(bin|obj|node_modules|__pycache__)/' | sort)

# Candidates: in shell files every word in a command's position (line start, after | ; & ( $( then do else,
# sudo, exec, xargs, timeout N, command -v, which); in C# and Python every string literal that is a program
# name or path (its last segment) that starts a process, builds a program's path or is an absolute program path.
command_position='(^|[|;&(`]|\$\(|\b(then|do|else|exec|sudo|xargs|time|timeout [0-9a-z.]+|command -v|which|runuser -u [a-z]+ --))'
call_context='((ProcessStartInfo|Process\.Start|RunAsync|PostfixAsync|[Ww]hich)\( *|FileName *= *|\[ *|(Path\.Combine|os\.path\.join)\([^;()]*, *)["'"'"'][/A-Za-z0-9_.+-]+["'"'"'] *[,)]|["'"'"']/(usr/)?(s?bin|lib)/[A-Za-z0-9_.+/-]+["'"'"'] *[,);]'
mapfile -t code < <(printf '%s\n' "${files[@]}" | grep -E '\.(cs|py)$')
mapfile -t shell < <(printf '%s\n' "${files[@]}" | grep -v -E '\.(cs|py)$')
candidates=$( {
  grep -ohE "$call_context" "${code[@]}" | grep -oE "[\"'][/A-Za-z0-9_.+-]+[\"'] *[,);]\$" | tr -d "\"' ,);" | sed 's#.*/##'
  cat "${shell[@]}" | grep -v -E '^[[:space:]]*#' | grep -oE "$command_position[[:space:]]*[a-z][a-z0-9_.+-]+" | grep -oE '[a-z][a-z0-9_.+-]+$'
} | grep -E '^[a-z][a-z0-9_.+-]{1,40}$' | sort -u)

search_path="$PATH:/usr/sbin:/sbin$(printf ':%s' /usr/lib/postgresql/*/bin)"
passed=0; failed=0
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

for program in $candidates; do
  path=$(PATH=$search_path command -v "$program" 2>/dev/null || true)
  [[ $path == /* ]] || path=""
  listed=${package_of[$program]:-}
  if [[ -z $path && -z $listed ]]; then
    continue   # not a program on this machine nor a listed one: a word, a name, a string
  fi
  owner=""
  if [[ -n $path ]]; then
    owner=$( { dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null; } | grep -v '^diversion' | head -1)
    owner=${owner%%:*}; owner=${owner%%,*}
    if [[ -z $owner && -z $listed ]]; then
      continue   # not from a Debian package (dotnet, a tool in the work tree)
    fi
    if [[ -n $owner ]]; then
      priority=$(dpkg-query -W -f='${Priority}' "$owner" 2>/dev/null || true)
      if [[ -z $listed && ( $priority == required || $priority == important ) ]]; then
        continue   # the base system
      fi
    fi
  fi
  users=$(grep -l -w -F -- "$program" "${files[@]}" 2>/dev/null | head -3 | tr '\n' ' ')
  if [[ -z $listed ]]; then
    fail "$program ($path, package ${owner:-?}) is called by ${users}but has no line in $table"
    continue
  fi
  if [[ " ${installed_by_script[*]} " != *" $listed "* ]]; then
    fail "$program needs package $listed, which scripts/install-deps.sh does not install (called by ${users})"
    continue
  fi
  depends=""
  [[ -n $owner && $owner != "$listed" ]] \
    && depends=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces --no-enhances "$listed" 2>/dev/null)
  if [[ -n $owner && $owner != "$listed" ]] && ! grep -q -x -E "[[:space:]|]*(Depends|PreDepends): <?${owner//+/\\+}>?" <<<"$depends"; then
    fail "$program is provided by $owner here, not by $listed nor by a package it depends on"
    continue
  fi
  echo "ok   $program -> $listed${owner:+ (dpkg -S: $owner)} [${set_of[$program]}] used by ${users}"
  passed=$((passed + 1))
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
