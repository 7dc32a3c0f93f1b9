#!/usr/bin/env bash
# tests/sarif.sh -- machine-readable `seg check` output and the CI wiring.
#
#   SEG=build/seg bash tests/sarif.sh
#
# 1. SARIF 2.1.0 as GitHub code scanning needs it: every required field
#    (checked with jq) on a run over a folder tree with errors and
#    warnings in several files; folder arguments are searched recursively,
#    sorted, hidden folders skipped.
# 2. The JSON and GitLab Code Quality documents of the same run: fields,
#    unique fingerprints.
# 3. The CI examples in examples/ci/ run as written (the exact `seg check`
#    command lines of the GitHub workflow, the GitLab job and the pre-commit
#    hook) on a copy of examples/*.seg with examples/customers.schema, and
#    exit 0; the SARIF and Code Quality files they write pass the checks.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v jq >/dev/null 2>&1 || { t_fail "sarif/jq" "jq is not installed (make deps)"; t_summary sarif; exit 1; }

# check NAME FILE JQ_EXPR -- one test: the jq expression is true for FILE.
check() {
    local name=$1 file=$2 expr=$3 out
    if out=$(jq -e "$expr" "$file" 2>&1); then
        t_ok "sarif/$name"
    else
        t_fail "sarif/$name" "jq -e '$expr' gave: $out" "$(t_file_detail "$(basename "$file")" "$file" 30)"
    fi
}

# sarif_checks PREFIX FILE -- the fields GitHub code scanning relies on.
sarif_checks() {
    local p=$1 f=$2
    check "$p/schema" "$f" '."$schema" | type == "string" and test("sarif-2\\.1\\.0")'
    check "$p/version" "$f" '.version == "2.1.0"'
    check "$p/one-run" "$f" '.runs | type == "array" and length == 1'
    check "$p/driver" "$f" '.runs[0].tool.driver | .name == "seg" and (.informationUri | type == "string" and test("^https?://"))
                               and (.version | type == "string" and length > 0) and (.rules | type == "array")'
    check "$p/rules-fields" "$f" '[.runs[0].tool.driver.rules[] |
        (.id | type == "string" and test("^[EW][0-9]{4}$"))
        and (.shortDescription.text | type == "string" and length > 0)
        and (.fullDescription.text | type == "string" and length > 0)
        and (.help.text | type == "string" and length > 0)
        and (.defaultConfiguration.level | IN("error", "warning", "note"))] | all'
    check "$p/rules-unique" "$f" '[.runs[0].tool.driver.rules[].id] | length == (unique | length)'
    check "$p/results-array" "$f" '.runs[0].results | type == "array"'
    check "$p/results-fields" "$f" '[.runs[0].results[] |
        (.ruleId | type == "string") and (.level | IN("error", "warning", "note"))
        and (.message.text | type == "string" and length > 0)
        and (.locations | type == "array" and length >= 1)] | all'
    check "$p/every-rule-declared" "$f" '.runs[0] as $r | [$r.results[].ruleId] - [$r.tool.driver.rules[].id] | length == 0'
    check "$p/rule-index" "$f" '.runs[0] as $r | [$r.results[] | select(.ruleIndex != null)
        | $r.tool.driver.rules[.ruleIndex].id == .ruleId] | all'
    check "$p/level-matches-code" "$f" '[.runs[0].results[] |
        if (.ruleId | startswith("E")) then .level == "error" elif (.ruleId | startswith("W")) then .level == "warning" else true end] | all'
    check "$p/uri" "$f" '[.runs[0].results[].locations[].physicalLocation.artifactLocation.uri |
        type == "string" and length > 0 and (startswith("./") | not) and (startswith("/") | not) and (contains("\\") | not)] | all'
    check "$p/region" "$f" '[.runs[0].results[].locations[].physicalLocation.region |
        ([.startLine, .startColumn, .endLine, .endColumn] | all(type == "number" and . >= 1 and . == floor))
        and .endLine >= .startLine and (.endLine > .startLine or .endColumn > .startColumn)] | all'
}

# gitlab_checks PREFIX FILE -- GitLab Code Quality: the fields GitLab reads.
gitlab_checks() {
    local p=$1 f=$2
    check "$p/array" "$f" 'type == "array"'
    check "$p/fields" "$f" '[.[] | (.description | type == "string" and length > 0)
        and (.check_name | type == "string" and test("^[EW][0-9]{4}$"))
        and (.fingerprint | type == "string" and test("^[0-9a-f]{16}$"))
        and (.severity | IN("blocker", "critical", "major", "minor", "info"))
        and (.location.path | type == "string" and (startswith("./") | not))
        and (.location.lines.begin | type == "number" and . >= 1)] | all'
    check "$p/fingerprints-unique" "$f" '[.[].fingerprint] | length == (unique | length)'
}

# ---- 0: every code the sources emit is declared in codes.def (run's W0211/W0212 are in cli/)

codes=$(grep -rhoE '"[EW]0[0-9]{3}"' "$T_ROOT/compiler" "$T_ROOT/grammar" "$T_ROOT/cli" --include='*.c' --include='*.y' --include='*.l' \
        | tr -d '"' | sort -u)
missing=()
for c in $codes; do
    seg_exec "$T_TMP" explain-code "$c"
    [ "$T_RC" = 0 ] && grep -q "^$c (" "$T_OUT" || missing+=("$c")
done
if [ -n "$codes" ] && [ ${#missing[@]} -eq 0 ]; then
    t_ok "sarif/codes-declared"
else
    t_fail "sarif/codes-declared" "emitted in compiler/, grammar/ or cli/ but unknown to seg explain-code: ${missing[*]:-(no codes found)}"
fi

# ---- 1 and 2: a folder tree with errors and warnings -------------------

w=$T_TMP/tree
mkdir -p "$w/rules/sub" "$w/rules/.hidden"
cat > "$w/customers.schema" <<'EOF'
id: int
age: int
city: text
opted_in: bool
EOF
printf 'segment a = not opted_in\nsegment b = agee > 1\n' > "$w/rules/b.seg"
printf 'segment c = city = "Lund" and ciy = "Malmö"\nsegment c = age > 2\n' > "$w/rules/a.seg"
printf 'segment d = age >\n' > "$w/rules/sub/c.seg"
printf 'segment w = not opted_in\n' > "$w/rules/sub/w.seg"      # warnings only (a lint)
printf 'segment hidden = nonsense\n' > "$w/rules/.hidden/x.seg"
printf 'segment notes = nonsense\n' > "$w/rules/notes.txt"

for fmt in sarif json gitlab github; do
    seg_exec "$w" check --schema customers.schema --format "$fmt" ./rules
    cp "$T_OUT" "$w/out.$fmt"
    if [ "$T_RC" = 1 ] && [ ! -s "$T_ERR" ]; then
        t_ok "sarif/tree-$fmt-exit"
    else
        t_fail "sarif/tree-$fmt-exit" "$T_CMD: exit $T_RC (expected 1), stderr:" "$(cat "$T_ERR")"
    fi
done
sarif_checks tree "$w/out.sarif"
check tree/files-sorted-recursive "$w/out.sarif" \
    '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | unique == ["rules/a.seg", "rules/b.seg", "rules/sub/c.seg", "rules/sub/w.seg"]'
check tree/warning-level "$w/out.sarif" \
    '[.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == "rules/sub/w.seg") | .level]
     | length >= 1 and all(. == "warning")'
check tree/warning-rule "$w/out.sarif" \
    '[.runs[0].tool.driver.rules[] | select(.id | startswith("W")) | .defaultConfiguration.level] | length >= 1 and all(. == "warning")'
check tree/files-in-order "$w/out.sarif" \
    '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri] | . == sort'
check tree/column-exclusive-end "$w/out.sarif" \
    '[.runs[0].results[] | select(.message.text | test("ciy")) | .locations[0].physicalLocation.region]
     == [{"startLine": 1, "startColumn": 31, "endLine": 1, "endColumn": 34}]'
check tree/json-fields "$w/out.json" 'type == "array" and length > 0 and ([.[] |
    (.kind | IN("error", "warning", "note")) and (.message | type == "string") and (.code | type == "string")
    and (.locations[0].caret | .file and .line >= 1 and .column >= 1)
    and (.locations[0].finish | .file and .line >= 1 and .column >= 1)] | all)'
check tree/json-same-findings "$w/out.json" "length == $(jq '.runs[0].results | length' "$w/out.sarif")"
gitlab_checks tree-gitlab "$w/out.gitlab"
check tree/gitlab-same-findings "$w/out.gitlab" "length == $(jq '.runs[0].results | length' "$w/out.sarif")"
n_gh=$(grep -c '^::\(error\|warning\|notice\) file=rules/' "$w/out.github" || true)
if [ "$n_gh" = "$(jq '.runs[0].results | length' "$w/out.sarif")" ] && [ "$n_gh" = "$(wc -l < "$w/out.github")" ]; then
    t_ok "sarif/tree-github-lines"
else
    t_fail "sarif/tree-github-lines" "expected one ::error/::warning line per finding" "$(t_file_detail out.github "$w/out.github")"
fi

# ---- 3: the CI examples, as written ------------------------------------

ci=$T_ROOT/examples/ci
repo=$T_TMP/repo
mkdir -p "$repo/examples"
cp "$T_ROOT"/examples/*.seg "$T_ROOT/examples/customers.schema" "$repo/examples/"
bindir=$(cd "$(dirname "$SEG")" && pwd)

# yaml_var FILE NAME -- the value of `NAME: value` (first occurrence).
yaml_var() { sed -n "s/^[[:space:]]*$2:[[:space:]]*\\(.*[^[:space:]]\\)[[:space:]]*\$/\\1/p" "$1" | head -1; }

# run_ci NAME DIR COMMAND -- runs a CI command line with bash in DIR, seg on PATH.
run_ci() {
    local name=$1 dir=$2 cmd=$3 rc=0
    (cd "$dir" && PATH="$bindir:$PATH" SEG_SCHEMA=$SEG_SCHEMA SEG_RULES=$SEG_RULES \
        timeout -k 5 "$SEG_TIMEOUT" bash -c "$cmd") > "$T_TMP/ci.out" 2> "$T_TMP/ci.err" || rc=$?
    if grep -Eq "$T_SAN_RE" "$T_TMP/ci.err"; then
        t_fail "sarif/$name" "sanitizer report from: $cmd" "$(head -40 "$T_TMP/ci.err")"
    elif [ "$rc" = 0 ]; then
        t_ok "sarif/$name"
    else
        t_fail "sarif/$name" "exit $rc (expected 0) from: $cmd" "$(t_file_detail stdout "$T_TMP/ci.out")" \
            "$(t_file_detail stderr "$T_TMP/ci.err")"
    fi
}

# GitHub workflow: every `run: seg check ...` line, with the workflow's env.
SEG_SCHEMA=$(yaml_var "$ci/github-seg.yml" SEG_SCHEMA)
SEG_RULES=$(yaml_var "$ci/github-seg.yml" SEG_RULES)
mapfile -t gh_cmds < <(sed -n 's/^[[:space:]]*run:[[:space:]]*\(seg check .*\)$/\1/p' "$ci/github-seg.yml")
if [ ${#gh_cmds[@]} -ge 2 ] && [ -n "$SEG_SCHEMA" ] && [ -n "$SEG_RULES" ]; then
    t_ok "sarif/ci-github-parsed"
else
    t_fail "sarif/ci-github-parsed" "expected SEG_SCHEMA, SEG_RULES and two 'run: seg check' lines in $ci/github-seg.yml"
fi
grep -q 'uses: github/codeql-action/upload-sarif@' "$ci/github-seg.yml" && grep -q -- '--format github' "$ci/github-seg.yml" \
    && t_ok "sarif/ci-github-uploads-sarif" || t_fail "sarif/ci-github-uploads-sarif" "no upload-sarif step or --format github run"
k=0
for c in "${gh_cmds[@]}"; do
    k=$((k + 1))
    run_ci "ci-github-step$k" "$repo" "$c"
done
if [ -f "$repo/seg.sarif" ]; then
    sarif_checks ci-github-sarif "$repo/seg.sarif"
    check ci-github-sarif/paths "$repo/seg.sarif" '[.runs[0].results[].locations[].physicalLocation.artifactLocation.uri | startswith("examples/")] | all'
else
    t_fail "sarif/ci-github-sarif" "the workflow's SARIF step wrote no seg.sarif"
fi

# GitLab job: every `- seg check ...` script line, with the job's variables.
SEG_SCHEMA=$(yaml_var "$ci/gitlab-ci.yml" SEG_SCHEMA)
SEG_RULES=$(yaml_var "$ci/gitlab-ci.yml" SEG_RULES)
mapfile -t gl_cmds < <(sed -n 's/^[[:space:]]*-[[:space:]]*\(seg check .*\)$/\1/p' "$ci/gitlab-ci.yml")
k=0
for c in "${gl_cmds[@]}"; do
    k=$((k + 1))
    run_ci "ci-gitlab-step$k" "$repo" "$c"
done
if [ ${#gl_cmds[@]} -ge 1 ] && [ -f "$repo/gl-code-quality-report.json" ]; then
    gitlab_checks ci-gitlab-report "$repo/gl-code-quality-report.json"
else
    t_fail "sarif/ci-gitlab-report" "no '- seg check' script line, or it wrote no gl-code-quality-report.json"
fi

# pre-commit hook: the entry, with the staged .seg files appended, run at
# the root of a repository that has customers.schema (here: examples/).
entry=$(yaml_var "$ci/.pre-commit-hooks.yaml" entry)
files_re=$(yaml_var "$ci/.pre-commit-hooks.yaml" files)
staged=$(cd "$repo/examples" && ls | grep -E "$files_re" | tr '\n' ' ')
if [ -n "$entry" ] && [ -n "$staged" ] && grep -q '^- id: seg-check$' "$ci/.pre-commit-hooks.yaml"; then
    run_ci "ci-pre-commit" "$repo/examples" "$entry $staged"
else
    t_fail "sarif/ci-pre-commit" "no seg-check hook entry, or its files pattern matches no examples/*.seg"
fi

t_summary sarif
