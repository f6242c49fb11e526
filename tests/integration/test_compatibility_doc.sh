# docs/compatibility.md must not drift from the code: every option in a row
# marked supported or accepted is in that command's own parser (the option
# list of its --help, which CLI11 builds from the parser), and every option
# marked not supported is not. No cluster is needed.
source "$(dirname "$0")/lib.sh"
DOC="$(dirname "$0")/../../docs/compatibility.md"
[ -f "$DOC" ] || fail "no $DOC"

# The options a command's parser knows, one per line.
parser_options() {
  "$DROVER_BIN/$1" --help 2>/dev/null | grep -E '^\s+-' | grep -oE '(^|[ ,])--?[A-Za-z0-9][-A-Za-z0-9]*' | tr -d ' ,' | sort -u
}

trim() { local v=$1; v=${v#"${v%%[![:space:]]*}"}; echo "${v%"${v##*[![:space:]]}"}"; }

problems=()
checked=0
section=""
commands=()
declare -A known=()
# The integrator fills the srun / salloc section; until then it holds this marker.
srun_pending=0
grep -qx '<!-- srun rows pending -->' "$DOC" && srun_pending=1
while IFS= read -r line; do
  if [[ "$line" =~ ^##\ (.*)$ ]]; then
    section=${BASH_REMATCH[1]}
    case "$section" in
      "srun / salloc") if [ $srun_pending = 1 ]; then commands=(); else commands=(srun salloc); fi ;;
      sbatch|squeue|sinfo|scancel|scontrol|sacct) commands=("$section") ;;
      *) commands=() ;;
    esac
    for c in "${commands[@]}"; do
      [ -x "$DROVER_BIN/$c" ] || problems+=("no $c in $DROVER_BIN")
      known[$c]=" $(parser_options "$c" | tr '\n' ' ') "
    done
    continue
  fi
  [ ${#commands[@]} -gt 0 ] || continue
  [[ "$line" == "| \`-"* ]] || continue  # option rows only (not headers or scontrol commands)
  row=${line//\\|/}                        # escaped pipes inside cells are not separators
  IFS='|' read -r _ options status notes _ <<< "$row"
  status=$(trim "$status")
  notes=$(trim "$notes")
  targets=("${commands[@]}")
  if [ "$section" = "srun / salloc" ]; then
    [[ "$notes" == "srun only"* ]] && targets=(srun)
    [[ "$notes" == "salloc only"* ]] && targets=(salloc)
  fi
  case "$status" in
    supported|accepted|"not supported") ;;
    *) problems+=("$section: unknown status [$status] in: $line"); continue ;;
  esac
  for option in $(echo "$options" | grep -oE '`[^`]+`' | tr -d '`'); do
    for c in "${targets[@]}"; do
      checked=$((checked + 1))
      in_parser=0
      [[ "${known[$c]}" == *" $option "* ]] && in_parser=1
      if [ "$status" = "not supported" ] && [ $in_parser = 1 ]; then
        problems+=("$c $option: marked not supported, but the parser takes it")
      elif [ "$status" != "not supported" ] && [ $in_parser = 0 ]; then
        problems+=("$c $option: marked $status, but the parser does not take it")
      fi
    done
  done
done < "$DOC"

for section in sbatch squeue sinfo scancel scontrol sacct "srun / salloc"; do
  grep -qx "## $section" "$DOC" || problems+=("no section \"## $section\"")
done
[ "$checked" -gt 150 ] || problems+=("only $checked options checked: is the table format broken?")
if [ ${#problems[@]} -gt 0 ]; then
  printf '%s\n' "${problems[@]}" >&2
  fail "${#problems[@]} rows of docs/compatibility.md disagree with the parsers"
fi
[ $srun_pending = 1 ] && echo "srun / salloc rows pending: section skipped"
pass
