#!/usr/bin/env bash
# tests/outputs.sh -- every machine-readable output parses with a reader
# we did not write (python3's csv and json modules): one document per
# stream, RFC 4180 quoting of segment names, the evaluation date and the
# base count in the table and JSON (issue 10).
#
#   SEG=build/seg bash tests/outputs.sh

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T_OUT=$T_TMP/out
T_ERR=$T_TMP/err
D=$T_TMP/o
mkdir -p "$D"
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
cat > "$D/r.seg" <<'RULES'
segment young = age < 30
segment `all, "quoted"` "Everyone, \"quoted\"" = country in ("NO", "DK")
segment `semi;colon` = age > 60
RULES
TODAY=2026-11-23
N=$(($(wc -l < "$D/crm.csv") - 1))
young=$(awk -F, 'NR > 1 && $7 != "" && $7 < 30' "$D/crm.csv" | wc -l | tr -d ' ')

# py NAME SCRIPT -- runs python3 SCRIPT over $T_OUT; ok when it prints "ok".
py() {
    local got
    got=$(python3 -c "$2" "$T_OUT" 2>&1)
    [ "$got" = ok ] && t_ok "outputs/$1" || t_fail "outputs/$1" "python3: $got" "$(t_file_detail stdout "$T_OUT" 8)"
}

seg_exec "$D" run r.seg crm.csv --today $TODAY --format csv
py csv_quotes_segment_names "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
names = [r[0] for r in rows[1:]]
assert all(len(r) == 3 for r in rows), rows
assert names == ['young', 'all, \"quoted\"', 'semi;colon'], names
assert rows[1][1] == '$young', rows[1]
print('ok')"

seg_exec "$D" run r.seg crm.csv --today $TODAY --format json
py json_has_today_and_base "
import json, sys
d = json.load(open(sys.argv[1]))
assert d['today'] == '$TODAY' and d['customers'] == $N, d
s = d['segments']
assert [x['segment'] for x in s] == ['young', 'all, \"quoted\"', 'semi;colon'], s
assert s[1]['description'] == 'Everyone, \"quoted\"' and s[0]['customers'] == $young, s
print('ok')"

seg_exec "$D" run r.seg crm.csv --today $TODAY
if tail -1 "$T_OUT" | grep -qx "(5 000 customers, today $TODAY)"; then t_ok outputs/table_says_base_and_today
else t_fail outputs/table_says_base_and_today "$(t_file_detail stdout "$T_OUT")"; fi

for fmt in table csv json; do
    seg_exec "$D" run r.seg crm.csv --today $TODAY --format $fmt --members -
    py "members_stdout_only_members_$fmt" "
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['segment', 'customer_id'], rows[0]
assert all(len(r) == 2 for r in rows), [r for r in rows if len(r) != 2][:3]
assert sum(1 for r in rows[1:] if r[0] == 'young') == $young
assert sum(1 for r in rows[1:] if r[0] == 'semi;colon') > 0
print('ok')"
    if grep -q 'young' "$T_ERR"; then t_ok "outputs/members_stdout_summary_on_stderr_$fmt"
    else t_fail "outputs/members_stdout_summary_on_stderr_$fmt" "$(cat "$T_ERR")"; fi
done
seg_exec "$D" run r.seg crm.csv --today $TODAY --format json --members -
python3 -c 'import json,sys; json.load(sys.stdin)' < "$T_ERR" 2>/dev/null \
    && t_ok outputs/members_stdout_json_summary_parses_on_stderr \
    || t_fail outputs/members_stdout_json_summary_parses_on_stderr "$(cat "$T_ERR")"

# --trace (issue 11): stdout is the plain report; stderr tells the first
# batch, one line per instruction of the listing, each with its selection
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --format csv
cp "$T_OUT" "$D/plain.csv"
seg_exec "$D" explain r.seg --data crm.csv --today "$TODAY"
ninsn=$(grep -c '^[0-9][0-9][0-9][0-9]  ' "$T_OUT")
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --format csv --trace
ntrace=$(grep -c '^[0-9][0-9][0-9][0-9]  [A-Z_]* *selection *[0-9]* of 2048 (level [0-9]*)$' "$T_ERR")
if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$D/plain.csv" && [ "$ninsn" -gt 0 ] && [ "$ntrace" -eq "$ninsn" ]; then
    t_ok outputs/trace_one_line_per_instruction
else
    t_fail outputs/trace_one_line_per_instruction "exit $T_RC, $ntrace trace lines for $ninsn instructions" "$(head -5 "$T_ERR")"
fi
SEG_TRACE=1 seg_exec "$D" run r.seg crm.csv --today "$TODAY" --format csv
[ "$(grep -c ' selection ' "$T_ERR")" -eq "$ninsn" ] && t_ok outputs/seg_trace_env \
    || t_fail outputs/seg_trace_env "$(head -3 "$T_ERR")"

# --exclude (issue 13, consent): the listed keys, or e-mails trimmed and in
# any case, leave every segment and the member file; the expected members
# are computed here from the CSV with Python, not by seg
python3 - "$D/crm.csv" "$D" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
keys = [r["customer_id"] for r in rows if r["age"] and int(r["age"]) < 30][:7] + ["999999999"]
emails = [r["email"] for r in rows if r["email"] and r["age"] and int(r["age"]) > 60][:5]
open(sys.argv[2] + "/sup_keys.csv", "w").write("customer_id\n" + "\n".join(keys) + "\n")
open(sys.argv[2] + "/sup_mail.csv", "w").write("note,email\n" + "".join("x, %s \n" % e.upper() for e in emails) + "y,gone@example.invalid\n")
young = {r["customer_id"] for r in rows if r["age"] and int(r["age"]) < 30}
old = {r["customer_id"] for r in rows if r["age"] and int(r["age"]) > 60}
open(sys.argv[2] + "/want_keys", "w").write("%d %d\n" % (len(young - set(keys)), len(old)))
mail_ids = {r["customer_id"] for r in rows if r["email"] in emails}
open(sys.argv[2] + "/want_mail", "w").write("%d %d %d\n" % (len(young - mail_ids), len(old - mail_ids), len(mail_ids)))
PY
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --format csv --exclude sup_keys.csv --members ex_members.csv
got=$(awk -F, '$1 == "young" { y = $2 } $1 == "semi;colon" { o = $2 } END { print y, o }' "$T_OUT")
if [ "$T_RC" -eq 0 ] && [ "$got" = "$(cat "$D/want_keys")" ] && ! grep -qE "^young,($(sed -n '2,8p' "$D/sup_keys.csv" | paste -sd'|'))$" "$D/ex_members.csv" &&
   grep -q "seg: --exclude: 7 customers suppressed (customer_id on sup_keys.csv); 1 of its 8 entries are not in the data" "$T_ERR"; then
    t_ok outputs/exclude_keys
else t_fail outputs/exclude_keys "exit $T_RC; got '$got', want '$(cat "$D/want_keys")'" "$(cat "$T_ERR")"; fi
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --format json --exclude sup_mail.csv
read -r wy wo wn < "$D/want_mail"
py exclude_emails_any_case_trimmed "import json,sys; d=json.load(open(sys.argv[1])); c={s['segment']: s['customers'] for s in d['segments']}; print('ok' if (c['young'], c['semi;colon'], d['suppressed']) == ($wy, $wo, $wn) else (c, d.get('suppressed')))"
cp "$D/sup_keys.csv" "$D/sup_keep.csv"
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --exclude sup_keep.csv --members sup_keep.csv
[ "$T_RC" -eq 2 ] && cmp -s "$D/sup_keep.csv" "$D/sup_keys.csv" && t_ok outputs/exclude_list_is_never_the_member_file \
    || t_fail outputs/exclude_list_is_never_the_member_file "exit $T_RC" "$(cat "$T_ERR")"
printf 'nothing\n1\n' > "$D/sup_bad.csv"
seg_exec "$D" run r.seg crm.csv --today "$TODAY" --exclude sup_bad.csv
[ "$T_RC" -eq 2 ] && grep -q "no column of its header (nothing) is a column of the data" "$T_ERR" && t_ok outputs/exclude_unknown_column \
    || t_fail outputs/exclude_unknown_column "exit $T_RC" "$(cat "$T_ERR")"

# tables count characters, not bytes: a segment or measure name with
# letters past ASCII keeps every row of run's, overlap's and diff's tables
# as wide as the header
printf 'segment `VIP Göteborg` = age > 30\nsegment åäö = age > 40\nsegment plain_name_x = age > 50\nmeasure medelålder = avg(age)\n' > "$D/u.seg"
for cmd in "run u.seg crm.csv --min-size 0" "overlap u.seg crm.csv" "diff u.seg u.seg crm.csv"; do
    # shellcheck disable=SC2086
    seg_exec "$D" $cmd --today $TODAY
    py "table_aligned_in_characters_${cmd%% *}" "
import sys
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
rows = [l for l in lines if l and not l.startswith('(')]
assert len(rows) >= 3 and len({len(l) for l in rows}) == 1, rows
print('ok')"
done

t_summary outputs
