#!/usr/bin/env bash
# tests/import.sh -- `seg import` and `seg schema` on the shared datasets.
#
#   SEG=build/seg bash tests/import.sh
#
# - the importable exports import (exit 0) and have the expected column types,
#   the same schema from the CSV and from the .segcol;
# - the damaged exports are refused with exit 2 (with the line number for the
#   mixed-delimiter one) and leave no file behind, not even a temporary one;
# - `seg run` over the .segcol gives the same counts and the same members as
#   over the CSV, with the rules in tests/import/<dataset>.seg.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DS=$SEG_TESTDATA/datasets
RULES=$T_ROOT/tests/import
TODAY=2026-11-23

# dataset file | rules file | expected schema lines (";"-separated)
GOOD=(
    "WA_Fn-UseC_-Telco-Customer-Churn.csv|telco.seg|TotalCharges: number;SeniorCitizen: int;Partner: text;tenure: int;MonthlyCharges: number;customerID: text"
    "bank.csv|bank.seg|age: int;y: text;balance: int;housing: text;job: text"
    "Mall_Customers.csv|mall.seg|CustomerID: text;Age: int;\`Annual Income (k\$)\`: int;Genre: text"
    "crm_sample.csv|crm_sample.seg|customer_id: int;age: int;city: text;signup_date: date;last_purchase: date;total_spend: number;email_opt_in: bool"
)

for entry in "${GOOD[@]}"; do
    IFS='|' read -r csv rules types <<<"$entry"
    stem=${csv%.csv}
    dir="$T_TMP/import.$stem"
    mkdir -p "$dir"
    if [ ! -f "$DS/$csv" ]; then
        t_fail "import/$csv" "dataset $DS/$csv not found"
        continue
    fi
    seg_exec "$dir" import "$DS/$csv" -o out.segcol
    if [ "$T_RC" -ne 0 ] || [ ! -s "$dir/out.segcol" ]; then
        t_fail "import/$csv" "$T_CMD: exit $T_RC, expected 0 and a non-empty out.segcol" \
            "$(t_file_detail stderr "$T_ERR")"
        continue
    fi
    t_ok "import/$csv"
    extra=$(cd "$dir" && ls -A | grep -vx out.segcol)
    if [ -n "$extra" ]; then
        t_fail "import/$csv/no_stray_files" "files left next to out.segcol: $extra"
    else
        t_ok "import/$csv/no_stray_files"
    fi

    # Schema: expected types, and the CSV and the .segcol agree.
    seg_exec "$dir" schema out.segcol
    cp "$T_OUT" "$dir/schema.segcol"; rc_col=$T_RC
    seg_exec "$dir" schema "$DS/$csv"
    cp "$T_OUT" "$dir/schema.csv"; rc_csv=$T_RC
    if [ "$rc_col" -ne 0 ]; then
        t_fail "import/$csv/schema" "seg schema out.segcol: exit $rc_col" "$(t_file_detail stderr "$T_ERR")"
    else
        IFS=';' read -ra want <<<"$types"
        missing=()
        for w in "${want[@]}"; do
            grep -qxF -- "$w" "$dir/schema.segcol" || missing+=("$w")
        done
        if [ ${#missing[@]} -eq 0 ]; then
            t_ok "import/$csv/schema"
        else
            t_fail "import/$csv/schema" "expected lines not in the schema: ${missing[*]}" \
                "$(t_file_detail 'seg schema out.segcol' "$dir/schema.segcol" 30)"
        fi
    fi
    if [ "$rc_csv" -eq 0 ] && cmp -s "$dir/schema.csv" "$dir/schema.segcol"; then
        t_ok "import/$csv/schema_csv_equals_segcol"
    else
        t_fail "import/$csv/schema_csv_equals_segcol" "seg schema CSV: exit $rc_csv" \
            "$(diff -u --label "schema $csv" --label 'schema out.segcol' "$dir/schema.csv" "$dir/schema.segcol" | head -40)"
    fi

    # Same counts and members from the CSV and from the .segcol.
    if [ ! -f "$RULES/$rules" ]; then
        t_fail "import/$csv/run" "rules file tests/import/$rules not found"
        continue
    fi
    seg_exec "$dir" run "$RULES/$rules" "$DS/$csv" --today $TODAY --format csv --members m_csv.csv
    rc1=$T_RC; cp "$T_OUT" "$dir/c_csv"; cp "$T_ERR" "$dir/e_csv"
    seg_exec "$dir" run "$RULES/$rules" out.segcol --today $TODAY --format csv --members m_col.csv
    rc2=$T_RC; cp "$T_OUT" "$dir/c_col"; cp "$T_ERR" "$dir/e_col"
    if [ "$rc1" -ne 0 ] || [ "$rc2" -ne 0 ]; then
        t_fail "import/$csv/run" "seg run on the CSV: exit $rc1; on the .segcol: exit $rc2 (want 0, 0)" \
            "$(t_file_detail 'stderr (CSV)' "$dir/e_csv" 20)" "$(t_file_detail 'stderr (segcol)' "$dir/e_col" 20)"
        continue
    fi
    csv_counts "$dir/c_csv" > "$dir/n_csv"
    csv_counts "$dir/c_col" > "$dir/n_col"
    if [ ! -s "$dir/n_csv" ]; then
        t_fail "import/$csv/run" "no segments in the output of seg run" "$(t_file_detail stdout "$dir/c_csv")"
        continue
    fi
    while read -r segname n; do
        m=$(awk -v s="$segname" '$1 == s { print $2 }' "$dir/n_col")
        if [ "$m" = "$n" ]; then
            t_ok "import/$csv/same_count/$segname"
        else
            t_fail "import/$csv/same_count/$segname" "CSV gives ${n:-nothing}, .segcol gives ${m:-nothing}"
        fi
    done < "$dir/n_csv"
    if cmp -s "$dir/m_csv.csv" "$dir/m_col.csv" && [ -s "$dir/m_csv.csv" ]; then
        t_ok "import/$csv/same_members"
    else
        t_fail "import/$csv/same_members" "--members files differ (or are missing/empty)" \
            "$(diff -u --label 'members (CSV)' --label 'members (segcol)' "$dir/m_csv.csv" "$dir/m_col.csv" 2>&1 | head -30)"
    fi
done

# Refused imports: exit 2, a message, no output file and nothing else left.
refuse() {  # NAME CSV STDERR_ERE [IMPORT_ARGS...]
    local name=$1 csv=$2 re=$3; shift 3
    local dir="$T_TMP/refuse.$name"
    mkdir -p "$dir/out"
    if [ ! -f "$DS/$csv" ]; then
        t_fail "import/refuse/$name" "dataset $DS/$csv not found"
        return
    fi
    seg_exec "$dir" import "$DS/$csv" -o out/out.segcol "$@"
    local problems=()
    [ "$T_RC" -eq 2 ] || problems+=("$T_CMD: exit $T_RC, expected 2")
    [ -s "$T_ERR" ] || problems+=("no message on stderr")
    if [ -n "$re" ] && ! grep -Eq -- "$re" "$T_ERR"; then
        problems+=("no stderr line matches /$re/")
    fi
    local left; left=$(ls -A "$dir/out")
    [ -z "$left" ] || problems+=("files left in the output folder: $left")
    if [ ${#problems[@]} -eq 0 ]; then
        t_ok "import/refuse/$name"
    else
        t_fail "import/refuse/$name" "${problems[@]}" "$(t_file_detail stderr "$T_ERR" 15)"
    fi
}

# Header and rows 2-8 use ';', row 9 mixes ';' and ',', the rest use ','.
refuse mixed_delimiters telco_dirty_bom_mixed_delims.csv '(line 9([^0-9]|$)|:9(:|$))'
# 18 header fields (trailing comma), 17 per row.
refuse trailing_comma_header bank-full_variant_jedjovellanos.csv ''

# An explicit delimiter gives the same schema as the sniffed one.
dir="$T_TMP/import.bank_delim"; mkdir -p "$dir"
if [ -f "$DS/bank.csv" ]; then
    seg_exec "$dir" import "$DS/bank.csv" -o out.segcol --delimiter ';'
    if [ "$T_RC" -ne 0 ]; then
        t_fail "import/bank.csv/explicit_delimiter" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"
    else
        seg_exec "$dir" schema out.segcol
        if [ "$T_RC" -eq 0 ] && cmp -s "$T_OUT" "$T_TMP/import.bank/schema.segcol"; then
            t_ok "import/bank.csv/explicit_delimiter"
        else
            t_fail "import/bank.csv/explicit_delimiter" "schema differs from the sniffed import" \
                "$(diff -u "$T_TMP/import.bank/schema.segcol" "$T_OUT" 2>&1 | head -30)"
        fi
    fi
fi

# A damaged .segcol is refused when the damaged column is used, with exit 2,
# and a run that does not read that column is not affected.
dir="$T_TMP/import.damaged"; mkdir -p "$dir"
seg_exec "$dir" import "$DS/crm_sample.csv" -o good.segcol
if [ "$T_RC" -ne 0 ]; then
    t_fail "import/damaged_segcol" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"
else
    cp "$dir/good.segcol" "$dir/bad.segcol"
    # flip one byte in the middle of the file: inside some column's arrays
    size=$(stat -c %s "$dir/bad.segcol")
    printf '\xa5' | dd of="$dir/bad.segcol" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
    all="segment every = customer_id is missing or email is missing or first_name is missing or country is missing or city is missing or gender is missing or age is missing or signup_date is missing or last_purchase is missing or purchases_90d is missing or total_spend is missing or email_opt_in is missing or loyalty_tier is missing"
    printf '%s\n' "$all" > "$dir/all.seg"
    seg_exec "$dir" run all.seg bad.segcol --today 2026-11-23 --format csv
    col=$(sed -n "s/.*checksum mismatch in column '\([^']*\)'.*/\1/p" "$T_ERR" | head -n 1)
    if [ "$T_RC" -eq 2 ] && [ -n "$col" ]; then
        t_ok "import/damaged_segcol/refused"
        other=age; [ "$col" = age ] && other=purchases_90d
        printf 'segment a = %s is missing\n' "$other" > "$dir/other.seg"
        seg_exec "$dir" run other.seg bad.segcol --today 2026-11-23 --format csv
        if [ "$T_RC" -eq 0 ]; then t_ok "import/damaged_segcol/other_columns_usable"
        else t_fail "import/damaged_segcol/other_columns_usable" "exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
    else
        t_fail "import/damaged_segcol/refused" "expected exit 2 and a checksum message, got exit $T_RC" \
            "$(t_file_detail stderr "$T_ERR")"
    fi
fi

# A member export that hits the file-size limit (`ulimit -f`, as a full
# disk would) fails with exit 2 and leaves no file, not even a temporary one.
dir="$T_TMP/import.fsize"; mkdir -p "$dir"
printf 'segment everyone = customer_id is not missing\n' > "$dir/all.seg"
( cd "$dir" && ulimit -f 1 && "$SEG" run all.seg "$DS/crm_sample.csv" --members members.csv --format csv ) \
    > "$dir/out" 2> "$dir/err"
rc=$?
left=$(ls "$dir" | grep -c '^members' || true)
if [ "$rc" -eq 2 ] && [ "$left" -eq 0 ] && grep -q 'members.csv: cannot write: File too large' "$dir/err"; then
    t_ok "import/members_file_size_limit_leaves_nothing"
else
    t_fail "import/members_file_size_limit_leaves_nothing" "exit $rc, files left: $(ls "$dir")" \
        "$(t_file_detail stderr "$dir/err")"
fi

# A new members file gets the mode any new file gets (the umask's), not
# the private mode of the temporary file it was written through.
( cd "$dir" && : > reference && "$SEG" run all.seg "$DS/crm_sample.csv" --members fresh.csv --format csv ) \
    > /dev/null 2> "$dir/err2"
if [ -f "$dir/fresh.csv" ] && [ "$(stat -c %a "$dir/fresh.csv")" = "$(stat -c %a "$dir/reference")" ]; then
    t_ok "import/members_file_mode_follows_umask"
else
    t_fail "import/members_file_mode_follows_umask" \
        "mode $(stat -c %a "$dir/fresh.csv" 2>&1), expected $(stat -c %a "$dir/reference")" "$(t_file_detail stderr "$dir/err2")"
fi

# ---- CSV as it really comes (tests/fixtures/csv) ------------------------

FX=$T_ROOT/tests/fixtures/csv

# refuse_fx NAME FIXTURE STDERR_ERE [IMPORT_ARGS...] -- exit 2, the message,
# and nothing left in the output folder.
refuse_fx() {
    local name=$1 csv=$2 re=$3; shift 3
    local dir="$T_TMP/refuse_fx.$name"
    mkdir -p "$dir/out"
    seg_exec "$dir" import "$FX/$csv" -o out/out.segcol "$@"
    local problems=()
    [ "$T_RC" -eq 2 ] || problems+=("$T_CMD: exit $T_RC, expected 2")
    grep -Eq -- "$re" "$T_ERR" || problems+=("no stderr line matches /$re/")
    local left; left=$(ls -A "$dir/out")
    [ -z "$left" ] || problems+=("files left in the output folder: $left")
    if [ ${#problems[@]} -eq 0 ]; then t_ok "import/refuse/$name"
    else t_fail "import/refuse/$name" "${problems[@]}" "$(t_file_detail stderr "$T_ERR" 15)"; fi
}

# schema_is NAME FIXTURE 'col: type;...' [IMPORT_ARGS...] -- imports the
# fixture and checks `seg schema` of the .segcol has those lines.
schema_is() {
    local name=$1 csv=$2 types=$3; shift 3
    local dir="$T_TMP/fx.$name"
    mkdir -p "$dir"
    seg_exec "$dir" import "$FX/$csv" -o out.segcol "$@"
    if [ "$T_RC" -ne 0 ]; then
        t_fail "import/fx/$name" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; return
    fi
    cp "$T_ERR" "$dir/import.err"
    seg_exec "$dir" schema out.segcol
    local missing=() w
    IFS=';' read -ra want <<<"$types"
    for w in "${want[@]}"; do grep -qxF -- "$w" "$T_OUT" || missing+=("$w"); done
    if [ ${#missing[@]} -eq 0 ]; then t_ok "import/fx/$name"
    else t_fail "import/fx/$name" "expected lines not in the schema: ${missing[*]}" "$(t_file_detail schema "$T_OUT")"; fi
}

# count_is NAME DATA 'segment rule' N [RUN_ARGS...] -- `seg run` counts N members.
count_is() {
    local name=$1 data=$2 rule=$3 want=$4; shift 4
    local dir="$T_TMP/count.$name"
    mkdir -p "$dir"
    printf 'segment s = %s\n' "$rule" > "$dir/r.seg"
    seg_exec "$dir" run r.seg "$data" --today 2026-11-23 --format csv "$@"
    local got; got=$(csv_counts "$T_OUT" | awk '$1 == "s" { print $2 }')
    if [ "$T_RC" -eq 0 ] && [ "$got" = "$want" ]; then t_ok "import/count/$name"
    else t_fail "import/count/$name" "$T_CMD: exit $T_RC, count ${got:-none}, expected $want" "$(t_file_detail stderr "$T_ERR")"; fi
}

# csv-spectrum's location_coordinates: a '"' inside an unquoted field.
dir="$T_TMP/refuse.location"; mkdir -p "$dir/out"
seg_exec "$dir" import "$SEG_TESTDATA/csv-spectrum/csvs/location_coordinates.csv" -o out/x.segcol
if [ "$T_RC" -eq 2 ] && grep -q 'location_coordinates.csv:2:22: field 2 (Location Coordinates): bad quoting' "$T_ERR" \
        && [ -z "$(ls -A "$dir/out")" ]; then
    t_ok "import/refuse/csv_spectrum_location_coordinates"
else
    t_fail "import/refuse/csv_spectrum_location_coordinates" "exit $T_RC" "$(t_file_detail stderr "$T_ERR")"
fi

# A Nordic spreadsheet export: BOM, ';', CRLF, decimal comma with space /
# U+00A0 / U+202F / '.' thousands, D.M.YYYY and D/M/YYYY dates.
schema_is nordic nordic.csv 'belopp: number;saldo: number;datum: date;datum2: date;antal: int;kurs: number'
count_is nordic_amounts "$T_TMP/fx.nordic/out.segcol" 'belopp > 1000 and belopp < 2400' 2
count_is nordic_dates "$T_TMP/fx.nordic/out.segcol" 'datum = 2026-11-23 or datum2 = 2024-02-29' 2
count_is nordic_on_csv "$FX/nordic.csv" 'antal >= 1000 and kurs >= 1234.5' 1
# Windows-1252 / Latin-1 / UTF-16 exports
refuse_fx cp1252_without_encoding cp1252.csv 'cp1252\.csv:2:1: field 1 \(namn\): invalid UTF-8 \(byte 0xC5 at offset 22\).*--encoding cp1252'
schema_is cp1252 cp1252.csv 'namn: text;stad: text;belopp: number' --encoding cp1252
count_is cp1252_text "$T_TMP/fx.cp1252/out.segcol" 'stad = "GÖTEBORG" and `not` = "€ – ok"' 1
count_is cp1252_run_csv "$FX/cp1252.csv" 'stad = "malmö"' 1 --encoding cp1252
refuse_fx latin1_c1_bytes cp1252.csv 'cp1252\.csv:2:20: byte 0x80 is a control code in Latin-1.*--encoding cp1252' --encoding latin1
schema_is latin1 latin1.csv 'stad: text' --encoding latin1
schema_is utf16le utf16le.txt 'name: text;city: text;amount: number'
count_is utf16le_values "$T_TMP/fx.utf16le/out.segcol" 'city = "umeå" and amount = -2.25' 1
refuse_fx utf16_without_bom utf16_nobom.txt 'utf16_nobom\.txt:1: the header contains a NUL byte.*--encoding utf-16'
schema_is utf16_nobom_given utf16_nobom.txt 'city: text;amount: number' --encoding utf-16
refuse_fx bad_encoding_name nordic.csv "--encoding: 'ebcdic' is not one of" --encoding ebcdic
# bare CR line ends: lines counted right
schema_is cr_only cr_only.csv 'a: int;b: text'
refuse_fx cr_ragged cr_ragged.csv 'cr_ragged\.csv:5: expected 2 fields'
# ambiguous separators: text and a warning naming the line, never a guess
schema_is ambiguous ambiguous.csv 'amount: text;price: text;ratio: number'
if grep -q "ambiguous.csv:2: column 'amount' imported as text: '1,234' reads as a number both with" "$T_TMP/fx.ambiguous/import.err"; then
    t_ok "import/fx/ambiguous/warning"
else
    t_fail "import/fx/ambiguous/warning" "no warning for column amount" "$(t_file_detail stderr "$T_TMP/fx.ambiguous/import.err")"
fi
schema_is ambiguous_decimal_comma ambiguous.csv 'amount: number;price: int' --decimal ,
schema_is ambiguous_decimal_point ambiguous.csv 'amount: int;price: number;ratio: text' --decimal .
refuse_fx bad_decimal ambiguous.csv "--decimal: ';' is not '.' or ','" --decimal ';'
# US dates: text and a hint by default, dates with --month-first
schema_is us_dates us_dates.csv 'signup: text;iso: date'
if grep -q "us_dates.csv:2: column 'signup' imported as text: its dates read only month first.*--month-first" "$T_TMP/fx.us_dates/import.err"; then
    t_ok "import/fx/us_dates/hint"
else
    t_fail "import/fx/us_dates/hint" "no --month-first hint" "$(t_file_detail stderr "$T_TMP/fx.us_dates/import.err")"
fi
schema_is us_dates_month_first us_dates.csv 'signup: date;iso: date' --month-first
count_is us_dates_values "$T_TMP/fx.us_dates_month_first/out.segcol" 'signup = iso' 2
# --key: duplicates and missing values refuse the import, naming the lines
refuse_fx duplicate_key dup_key.csv "dup_key\.csv:4: duplicate key id '1' \(first on line 2\); 2 values of the key column occur more than once \(2 extra rows\)" --key id
refuse_fx missing_key missing_key.csv "missing_key\.csv:3: key column 'id' has no value on this row" --key id
refuse_fx unknown_key dup_key.csv "--key: no column 'nope'" --key nope
schema_is unique_key dup_key.csv 'name: text' --key name

# The shared exports, value by value, against Python's csv module (an
# independent CSV reader): every column through `seg run --members --key COL`.
crosscheck() {  # CSV DELIM
    local csv=$1 delim=$2 stem; stem=$(basename "$csv" .csv)
    local dir="$T_TMP/cross.$stem"
    mkdir -p "$dir/m"
    seg_exec "$dir" import "$csv" -o out.segcol
    if [ "$T_RC" -ne 0 ]; then t_fail "import/crosscheck/$stem" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; return; fi
    seg_exec "$dir" schema out.segcol
    grep -v '^#' "$T_OUT" > "$dir/schema"
    local first; first=$(head -n 1 "$dir/schema" | sed 's/: [a-z]*$//')
    printf 'segment all = %s is missing or %s is not missing\n' "$first" "$first" > "$dir/all.seg"
    local n=0 name
    while IFS= read -r line; do
        name=${line%: *}; name=${name#\`}; name=${name%\`}
        seg_exec "$dir" run all.seg out.segcol --format csv --today 2026-11-23 --members "m/$n.csv" --key "$name"
        [ "$T_RC" -eq 0 ] || { t_fail "import/crosscheck/$stem" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; return; }
        n=$((n + 1))
    done < "$dir/schema"
    if python3 - "$csv" "$delim" "$dir/schema" "$dir/m" > "$dir/py.out" 2>&1 <<'PY'
import csv, sys, datetime
from decimal import Decimal
path, delim, schema, mdir = sys.argv[1:5]
types = [l.rstrip('\n').rsplit(': ', 1)[1] for l in open(schema) if l.strip()]
with open(path, newline='', encoding='utf-8-sig') as f:
    rows = list(csv.reader(f, delimiter=delim, strict=True))
head, rows = rows[0], [r for r in rows[1:] if r and any(c.strip() for c in r)]
bad = 0
def norm(t, v):
    v = v.strip(' \t\r\n\v\f')
    if v == '': return None
    if t == 'int': return int(v)
    if t == 'number': return Decimal(v)
    if t == 'bool': return v.lower()
    if t == 'date':
        for fmt in ('%Y-%m-%d', '%d.%m.%Y', '%d/%m/%Y'):
            try: return datetime.datetime.strptime(v, fmt).date()
            except ValueError: pass
        raise ValueError(v)
    return v
for j, t in enumerate(types):
    with open(f'{mdir}/{j}.csv', newline='', encoding='utf-8') as f:
        got = [r[1] for r in list(csv.reader(f))[1:]]
    want = [norm(t, r[j]) for r in rows]
    gotn = [norm(t, g) for g in got]
    if len(got) != len(rows):
        print(f'column {head[j]}: {len(got)} values from seg, {len(rows)} rows from Python'); bad += 1; continue
    diff = [i for i in range(len(rows)) if want[i] != gotn[i]]
    if diff:
        i = diff[0]
        print(f'column {head[j]} ({t}): {len(diff)} values differ; row {i + 1}: python {want[i]!r}, seg {gotn[i]!r}'); bad += 1
print(f'{len(types)} columns x {len(rows)} rows compared, {bad} columns differ')
sys.exit(1 if bad else 0)
PY
    then t_ok "import/crosscheck/$stem"; [ "${VERBOSE:-0}" = 1 ] && sed "s/^/# /" "$dir/py.out"
    else t_fail "import/crosscheck/$stem" "seg and Python's csv module disagree" "$(t_file_detail python "$dir/py.out")"; fi
}
if command -v python3 >/dev/null; then
    crosscheck "$DS/WA_Fn-UseC_-Telco-Customer-Churn.csv" ','
    crosscheck "$DS/bank.csv" ';'
    crosscheck "$DS/Mall_Customers.csv" ','
    crosscheck "$DS/crm_sample.csv" ','
else
    t_fail "import/crosscheck" "python3 not found (tools/install-deps.sh installs it)"
fi

# Limits: 5,000 columns and a 1 MB field import (no quadratic behaviour:
# the SEG_TIMEOUT hang guard would stop it); checked through a run.
dir="$T_TMP/limits"; mkdir -p "$dir"
awk 'BEGIN { for (r = 0; r <= 50; r++) { s = ""; for (j = 0; j < 5000; j++) s = s (j ? "," : "") (r ? (r * 7 + j) % 1000 : "c" j); print s } }' > "$dir/wide.csv"
seg_exec "$dir" import wide.csv -o wide.segcol
if [ "$T_RC" -eq 0 ] && grep -q 'imported 50 rows, 5000 columns' "$T_ERR"; then t_ok "import/limits/5000_columns"
else t_fail "import/limits/5000_columns" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
count_is limits_wide_value "$dir/wide.segcol" 'c4999 = 6' 1
{ printf 'id,blob\n1,'; head -c 1000000 /dev/zero | tr '\0' x; printf '\n2,short\n'; } > "$dir/big.csv"
seg_exec "$dir" import big.csv -o big.segcol
if [ "$T_RC" -eq 0 ]; then t_ok "import/limits/1MB_field"
else t_fail "import/limits/1MB_field" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
printf 'segment all = id is not missing\n' > "$dir/all.seg"
seg_exec "$dir" run all.seg big.segcol --members m.csv --key blob --format csv
if [ "$T_RC" -eq 0 ] && [ "$(sed -n 2p "$dir/m.csv" | wc -c)" -eq 1000005 ]; then t_ok "import/limits/1MB_field_whole"
else t_fail "import/limits/1MB_field_whole" "exit $T_RC; line 2 of the members: $(sed -n 2p "$dir/m.csv" | wc -c) bytes, expected 1000005"; fi

# A full disk while writing the .segcol (a file-size limit makes write()
# fail the same way): exit 2, a message, no file, no temporary file.
dir="$T_TMP/import.fsize_import"; mkdir -p "$dir"
( cd "$dir" && ulimit -f 64 && "$SEG" import "$DS/crm_sample.csv" -o crm.segcol ) > "$dir/out" 2> "$dir/err"
rc=$?
if [ "$rc" -eq 2 ] && [ -z "$(ls -A "$dir" | grep -vx 'out\|err')" ] && grep -q 'crm.segcol.*File too large' "$dir/err"; then
    t_ok "import/file_size_limit_leaves_nothing"
else
    t_fail "import/file_size_limit_leaves_nothing" "exit $rc, files: $(ls -A "$dir" | tr '\n' ' ')" "$(t_file_detail stderr "$dir/err")"
fi

# --skip-bad-rows has a ceiling: by default 1% of the rows (rounded up), at
# most 1,000; --max-bad-rows N or P% moves it.  Past it: exit 2, no file.
refuse skip_ceiling_telco_dirty telco_dirty_bom_mixed_delims.csv \
    'rows have the wrong number of fields, more than the [0-9]+ allowed \(the default' --skip-bad-rows
dir="$T_TMP/badrows"; mkdir -p "$dir"
awk 'BEGIN { print "id,age"; for (r = 1; r <= 100; r++) print r "," (r % 50); print "x"; print "y,1,2"; print "z" }' \
    > "$dir/b.csv"
refuse_badrows() {  # NAME STDERR_ERE ARGS...
    local name=$1 re=$2; shift 2
    mkdir -p "$dir/$name"
    seg_exec "$dir" import b.csv -o "$name/out.segcol" "$@"
    if [ "$T_RC" -eq 2 ] && grep -Eq -- "$re" "$T_ERR" && [ -z "$(ls -A "$dir/$name")" ]; then t_ok "import/badrows/$name"
    else t_fail "import/badrows/$name" "$T_CMD: exit $T_RC, files: $(ls -A "$dir/$name")" "$(t_file_detail stderr "$T_ERR")"; fi
}
# 103 rows, 3 bad: 1% rounds up to 2
refuse_badrows default_ceiling 'b\.csv: 3 of 103 rows have the wrong number of fields, more than the 2 allowed' --skip-bad-rows
refuse_badrows max_2 'more than the 2 allowed \(--max-bad-rows 2\)' --max-bad-rows 2
refuse_badrows max_1.5_percent 'more than the 2 allowed \(--max-bad-rows 1.5%\)' --skip-bad-rows --max-bad-rows 1.5%
refuse_badrows max_junk "--max-bad-rows: 'lots' is not a number of rows or a percentage" --max-bad-rows lots
seg_exec "$dir" import b.csv -o ok3.segcol --max-bad-rows 3
if [ "$T_RC" -eq 0 ] && grep -q 'imported 100 rows' "$T_ERR"; then t_ok "import/badrows/max_3_imports"
else t_fail "import/badrows/max_3_imports" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
count_is badrows_percent_run "$dir/b.csv" 'age >= 40' 20 --max-bad-rows 3%
printf 'segment s = age > 1\n' > "$dir/r.seg"
seg_exec "$dir" run r.seg b.csv --skip-bad-rows --format csv
if [ "$T_RC" -eq 2 ] && grep -q 'more than the 2 allowed' "$T_ERR" && [ ! -s "$T_OUT" ]; then t_ok "import/badrows/run_default_ceiling"
else t_fail "import/badrows/run_default_ceiling" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
printf 'segment s = age > 1\n' > "$dir/r2.seg"
seg_exec "$dir" diff r.seg r2.seg b.csv --skip-bad-rows
rc1=$T_RC; cp "$T_ERR" "$dir/diff.err"
seg_exec "$dir" diff r.seg r2.seg b.csv --max-bad-rows 3
if [ "$rc1" -eq 2 ] && grep -q 'more than the 2 allowed' "$dir/diff.err" && [ "$T_RC" -eq 0 ]; then t_ok "import/badrows/diff"
else t_fail "import/badrows/diff" "diff: exit $rc1 by default, $T_RC with --max-bad-rows 3" "$(t_file_detail stderr "$dir/diff.err")"; fi

# --schema pins the types: a quiet day's export (no value in last_purchase,
# opt_in as Ja/Nej) imports to the same schema as a busy day's, a .segc
# compiled against the schema runs on both, and a value that does not fit
# refuses the import (exit 2, no file).
dir="$T_TMP/pinned"; mkdir -p "$dir/out"
printf '# seg schema v1\nid: int\nage: int\nlast_purchase: date\nopt_in: bool\n' > "$dir/c.schema"
printf 'id,age,last_purchase,opt_in\n1,30,2026-01-05,Ja\n2,41,2026-11-01,Nej\n' > "$dir/busy.csv"
printf 'id,age,last_purchase,opt_in\n1,30,,\n2,,,Nej\n' > "$dir/quiet.csv"
printf 'id,age,last_purchase,opt_in\n1,30,2026-01-05,Ja\n2,41,soon,Nej\n' > "$dir/bad.csv"
printf 'segment lapsed = last_purchase more than 90 days ago and opt_in\n' > "$dir/r.seg"
seg_exec "$dir" schema quiet.csv
if grep -qx 'last_purchase: text' "$T_OUT" && grep -qx 'opt_in: text' "$T_OUT"; then t_ok "import/pinned/inferred_text_without_schema"
else t_fail "import/pinned/inferred_text_without_schema" "seg schema quiet.csv" "$(t_file_detail schema "$T_OUT")"; fi
for day in busy quiet; do
    seg_exec "$dir" import $day.csv -o $day.segcol --schema c.schema
    seg_exec "$dir" schema $day.segcol
    grep -v '^#' "$T_OUT" > "$dir/$day.types"
done
if cmp -s "$dir/busy.types" "$dir/quiet.types" && diff -q <(grep -v '^#' "$dir/c.schema") "$dir/quiet.types" >/dev/null; then
    t_ok "import/pinned/same_schema_every_day"
else
    t_fail "import/pinned/same_schema_every_day" "schemas differ" "$(diff -u "$dir/busy.types" "$dir/quiet.types")"
fi
seg_exec "$dir" compile r.seg -o r.segc --schema c.schema --today 2026-11-23
rcc=$T_RC
seg_exec "$dir" run r.segc busy.csv --schema c.schema --today 2026-11-23 --format csv
got_busy=$(csv_counts "$T_OUT" | awk '$1 == "lapsed" { print $2 }'); rc1=$T_RC
seg_exec "$dir" run r.segc quiet.csv --schema c.schema --today 2026-11-23 --format csv
got_quiet=$(csv_counts "$T_OUT" | awk '$1 == "lapsed" { print $2 }'); rc2=$T_RC
if [ "$rcc$rc1$rc2" = 000 ] && [ "$got_busy" = 1 ] && [ "$got_quiet" = 0 ]; then t_ok "import/pinned/segc_runs_on_every_day"
else t_fail "import/pinned/segc_runs_on_every_day" "exit $rcc/$rc1/$rc2, counts busy ${got_busy:-none} (want 1), quiet ${got_quiet:-none} (want 0)" "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$dir" run r.seg quiet.segcol --schema c.schema --today 2026-11-23 --format csv
if [ "$T_RC" -eq 0 ]; then t_ok "import/pinned/segcol_matches_schema"
else t_fail "import/pinned/segcol_matches_schema" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$dir" import quiet.csv -o plain.segcol
seg_exec "$dir" run r.seg plain.segcol --schema c.schema --today 2026-11-23
if [ "$T_RC" -eq 2 ] && grep -q "plain.segcol: column 'last_purchase' is text, but date in c.schema" "$T_ERR"; then
    t_ok "import/pinned/segcol_other_types_refused"
else t_fail "import/pinned/segcol_other_types_refused" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$dir" import bad.csv -o out/bad.segcol --schema c.schema
if [ "$T_RC" -eq 2 ] && grep -q "bad.csv:3: column 'last_purchase': 'soon' is not a date, the column's type in c.schema" "$T_ERR" \
        && [ -z "$(ls -A "$dir/out")" ]; then t_ok "import/pinned/value_not_fitting_refused"
else t_fail "import/pinned/value_not_fitting_refused" "$T_CMD: exit $T_RC, files: $(ls -A "$dir/out")" "$(t_file_detail stderr "$T_ERR")"; fi
seg_exec "$dir" import bad.csv -o out/lenient.segcol --schema c.schema --lenient
if [ "$T_RC" -eq 0 ] && grep -q "1 value not a date (such as 'soon' on this line) read as missing" "$T_ERR"; then t_ok "import/pinned/lenient"
else t_fail "import/pinned/lenient" "$T_CMD: exit $T_RC" "$(t_file_detail stderr "$T_ERR")"; fi
printf 'segment lapsed = last_purchase more than 30 days ago and opt_in\n' > "$dir/r2.seg"
seg_exec "$dir" diff r.seg r2.seg quiet.csv --schema c.schema --today 2026-11-23
rc1=$T_RC
seg_exec "$dir" diff r.seg r2.seg bad.csv --schema c.schema --today 2026-11-23
if [ "$rc1" -eq 0 ] && [ "$T_RC" -eq 2 ] && grep -q "'soon' is not a date" "$T_ERR"; then t_ok "import/pinned/diff"
else t_fail "import/pinned/diff" "diff: exit $rc1 on the quiet day, $T_RC on the bad one (want 0, 2)" "$(t_file_detail stderr "$T_ERR")"; fi

# Parallel parsing: the same .segcol byte for byte with 1 and 2 threads
# (input big enough to be cut: > 2 x 2 MiB).
GEN=$(dirname "$SEG")/gencustomers
dir="$T_TMP/threads"; mkdir -p "$dir"
if [ -x "$GEN" ] && "$GEN" --rows 60000 --seed 7 -o "$dir/c.csv" 2>/dev/null; then
    seg_exec "$dir" import c.csv -o t1.segcol --threads 1; rc1=$T_RC
    seg_exec "$dir" import c.csv -o t2.segcol --threads 2; rc2=$T_RC
    seg_exec "$dir" import c.csv -o t3.segcol --threads 3; rc3=$T_RC
    if [ "$rc1$rc2$rc3" = 000 ] && cmp -s "$dir/t1.segcol" "$dir/t2.segcol" && cmp -s "$dir/t1.segcol" "$dir/t3.segcol"; then
        t_ok "import/threads_same_segcol"
    else
        t_fail "import/threads_same_segcol" "exit $rc1/$rc2/$rc3 or the files differ"
    fi
else
    t_fail "import/threads_same_segcol" "cannot run $GEN"
fi
refuse_fx bad_threads nordic.csv "--threads: 'many' is not a number" --threads many

# a short last line without a line break: the error asks whether the export
# was cut off; the same line ending with a line break gets no such hint
dir="$T_TMP/import.cut"; mkdir -p "$dir"
printf 'id,a,b\n1,2,3\n4,5,6\n3,12' > "$dir/cut.csv"
printf 'id,a,b\n1,2,3\n4,5,6\n3,12\n' > "$dir/short.csv"
seg_exec "$dir" import cut.csv -o cut.segcol
if [ "$T_RC" -eq 2 ] && grep -q '^seg: cut.csv:4: expected 3 fields (as in the header), found 2; it is the last line and the file does not end with a line break: was the export cut off' "$T_ERR" && [ ! -e "$dir/cut.segcol" ]; then
    t_ok "import/cut_last_line_hint"
else t_fail "import/cut_last_line_hint" "exit $T_RC" "$(cat "$T_ERR")"; fi
seg_exec "$dir" import short.csv -o short.segcol
if [ "$T_RC" -eq 2 ] && grep -q 'short.csv:4: expected 3 fields' "$T_ERR" && ! grep -q 'cut off' "$T_ERR"; then
    t_ok "import/short_line_no_cut_hint"
else t_fail "import/short_line_no_cut_hint" "exit $T_RC" "$(cat "$T_ERR")"; fi

# --erase (issue 13, the right to be forgotten): the listed customers are not
# in the .segcol at all -- their unique values are not in its bytes -- and
# the rules give what --exclude gives on the CSV
dir="$T_TMP/import.erase"; mkdir -p "$dir"
cp "$T_ROOT/examples/customers.csv" "$dir/crm.csv"
gone1=$(awk -F, 'NR == 8 { print $2 }' "$dir/crm.csv"); gone2=$(awk -F, 'NR == 33 { print $2 }' "$dir/crm.csv")
printf 'email\n %s\n%s\nnobody@example.invalid\n' "$(tr 'a-z' 'A-Z' <<<"$gone1")" "$gone2" > "$dir/erase.csv"
printf 'segment young = age < 30\nsegment nordic = country in ("SE", "NO")\n' > "$dir/r.seg"
seg_exec "$dir" import crm.csv -o erased.segcol --erase erase.csv
n_before=$(($(wc -l < "$dir/crm.csv") - 1))
if [ "$T_RC" -eq 0 ] && grep -q "imported $((n_before - 2)) rows, 13 columns into erased.segcol; 2 erased (email on erase.csv; 1 of its 3 entries are not in the export)" "$T_ERR" &&
   ! grep -qF "$gone1" "$dir/erased.segcol" && ! grep -qF "$gone2" "$dir/erased.segcol"; then
    t_ok "import/erase_rows_gone_from_the_file"
else t_fail "import/erase_rows_gone_from_the_file" "exit $T_RC" "$(cat "$T_ERR")"; fi
cp "$dir/erase.csv" "$dir/keep.csv"
seg_exec "$dir" import crm.csv -o keep.csv --erase keep.csv --force
if [ "$T_RC" -eq 2 ] && cmp -s "$dir/keep.csv" "$dir/erase.csv"; then t_ok "import/erase_list_is_never_the_output"
else t_fail "import/erase_list_is_never_the_output" "exit $T_RC" "$(cat "$T_ERR")"; fi
seg_exec "$dir" run r.seg erased.segcol --today 2026-11-23 --format csv
awk -F, 'NR > 1 { print $1, $2 }' "$T_OUT" > "$dir/a"
seg_exec "$dir" run r.seg crm.csv --today 2026-11-23 --format csv --exclude erase.csv
awk -F, 'NR > 1 { print $1, $2 }' "$T_OUT" > "$dir/b"
if cmp -s "$dir/a" "$dir/b" && [ -s "$dir/a" ]; then t_ok "import/erase_equals_exclude"
else t_fail "import/erase_equals_exclude" "$(diff "$dir/a" "$dir/b")"; fi

# The streaming import (`seg import` without --key or --erase: the file
# parsed once into row groups of cells in a spill file, then encoded,
# runtime/import_stream.c) writes the very bytes the in-memory import does
# (SEG_IMPORT_INMEM=1), with the same messages and exit status, whatever the
# threads, chunks (SEG_IMPORT_MIN_CHUNK) and row-group size
# (SEG_IMPORT_GROUP_ROWS: 1 (13 past 2,000 lines), 3 and 7 rows take the many-group path), and
# how the spill and the output are written: the spill through the page cache
# or, as for a large file, with O_DIRECT (SEG_IMPORT_SPILL_DIRECT); the
# output by the caller, or by a thread as for a large file (SEG_COLW_DIRECT=2,
# `c2`), and then with O_DIRECT (=1, `d2`).
stream_same() {  # NAME CSV [IMPORT_ARGS...]
    local name=$1 csv=$2; shift 2
    local dir="$T_TMP/stream.$name" v problems=()
    mkdir -p "$dir/ref"
    (cd "$dir/ref" && SEG_IMPORT_INMEM=1 timeout -k 5 "$SEG_TIMEOUT" "$SEG" import "$csv" -o out.segcol --threads 1 "$@") \
        >"$dir/ref.out" 2>"$dir/ref.err"
    local rc0=$?
    # one-row groups (g1) on a small file only: on the 120,000 rows of `big`
    # they are 120,000 spill writes, which a loaded CI machine did not finish
    # within SEG_TIMEOUT (the group size changes nothing else; t2, t1g7 cover many groups)
    local g1rows=1; [ "$(wc -l < "$csv")" -le 2000 ] || g1rows=13
    for v in "t1|1|0|65536|0|0" "t2|2|64|3|0|0" "g1|2|64|$g1rows|0|0" "t1g7|1|0|7|0|0" "c2|2|64|1000|0|2" "d2|2|64|1000|1|1"; do
        IFS='|' read -r tag th mc gr dio colw <<<"$v"
        mkdir -p "$dir/$tag"
        (cd "$dir/$tag" && SEG_IMPORT_MIN_CHUNK=$mc SEG_IMPORT_GROUP_ROWS=$gr SEG_IMPORT_SPILL_DIRECT=$dio \
            SEG_COLW_DIRECT=$colw timeout -k 5 "$SEG_TIMEOUT" \
            "$SEG" import "$csv" -o out.segcol --threads "$th" "$@") >"$dir/$tag.out" 2>"$dir/$tag.err"
        local rc=$?
        [ "$rc" -eq "$rc0" ] || problems+=("$tag: exit $rc, in memory $rc0")
        cmp -s "$dir/ref.err" "$dir/$tag.err" || problems+=("$tag: messages differ: $(diff "$dir/ref.err" "$dir/$tag.err" | head -6)")
        if [ "$rc0" -eq 0 ]; then
            cmp -s "$dir/ref/out.segcol" "$dir/$tag/out.segcol" || problems+=("$tag: the .segcol differs from the in-memory import's")
        fi
        local left; left=$(ls -A "$dir/$tag" | grep -vx out.segcol)
        [ -z "$left" ] || problems+=("$tag: files left: $left")
        [ "$rc" -eq 0 ] || [ ! -e "$dir/$tag/out.segcol" ] || problems+=("$tag: failed but wrote out.segcol")
    done
    if [ ${#problems[@]} -eq 0 ]; then t_ok "import/stream_same/$name"
    else t_fail "import/stream_same/$name" "${problems[@]}" "$(t_file_detail 'stderr (in memory)' "$dir/ref.err" 10)"; fi
}
SD="$T_TMP/stream.data"; mkdir -p "$SD"
for f in "$DS"/*.csv "$SEG_TESTDATA"/csv-spectrum/csvs/*.csv "$T_ROOT/examples/customers.csv"; do
    [ -f "$f" ] && stream_same "$(basename "$f" .csv)" "$f"
done
stream_same bank_skip_bad "$DS/bank-full_variant_jedjovellanos.csv" --skip-bad-rows
stream_same telco_mixed_skip "$DS/telco_dirty_bom_mixed_delims.csv" --max-bad-rows 50%
# a number too large at its column's scale makes the column text (pass 2 again);
# near-ints and ambiguous marks warn; NFD text is stored NFC; quoted line breaks
{ printf 'id,big,nearint,amb,name,note\n'
  for i in $(seq 1 40); do printf '%d,%d.5,%d,1.%03d,O\xcc\x88rjan %d,"line\nbreak %d"\n' $i $i $i $i $((i % 7)) $i; done
  printf '41,999999999999999999,x41,1.500,\xc3\x96rjan,\n'; printf '\n'
  printf '42,,42,,,"a ""quoted"" one"\n'; } > "$SD/mixed.csv"
stream_same mixed "$SD/mixed.csv"
# text layouts (runtime/colfile.h): distinct values (NFD, stored NFC) with no
# codes, distinct with gaps, distinct but mostly missing, repeated values
awk 'BEGIN { print "id,uniq,gap,sparse,few"; for (i = 0; i < 700; i++)
    printf "%d,O\xcc\x88rjan%d@x.se,%s,%s,%s\n", i, i, i % 10 ? "g" i * 7 : "", i % 10 == 3 ? "s" i : "",
        i % 3 ? "gold" : "silver" }' > "$SD/layouts.csv"
stream_same layouts "$SD/layouts.csv"
# a column past the most text one column holds (4 GiB; SEG_IMPORT_TEXT_MAX
# lowers it for this test): refused by both imports alike, nothing written
printf 'id,email,tier\n1,anna@x.se,gold\n2,bo@y.se,gold\n3,cecilia@z.se,silver\n4,,gold\n' > "$SD/textmax.csv"
SEG_IMPORT_TEXT_MAX=20 stream_same text_max_refused "$SD/textmax.csv"
text_max_refused() {  # NAME CSV MESSAGE [ENV...]: exit 2, the message, no file
    local name=$1 csv=$2 msg=$3 dir="$T_TMP/stream.$1"; shift 3
    mkdir -p "$dir"
    (cd "$dir" && env SEG_IMPORT_TEXT_MAX=20 "$@" "$SEG" import "$csv" -o out.segcol) >"$dir/out" 2>"$dir/err"; local rc=$?
    if [ "$rc" -eq 2 ] && [ -z "$(ls -A "$dir" | grep -v '^out$\|^err$')" ] && grep -qF "$msg" "$dir/err"; then t_ok "import/$name"
    else t_fail "import/$name" "rc=$rc" "$(cat "$dir/err")" "$(ls -A "$dir")"; fi
}
text_max_refused text_max_refused_message "$SD/textmax.csv" \
    "textmax.csv: column 'email' holds more than 20 bytes of distinct text, the most one column can hold; split the export into smaller files"
# past the streaming import's dictionary cap every row's value is kept, a
# repeated one each time: 24 bytes in the rows of 12 distinct ones (the
# in-memory import keeps the 12 and takes the file)
printf 'id,tag\n1,aaaa\n2,bbbb\n3,cccc\n4,aaaa\n5,bbbb\n6,aaaa\n' > "$SD/textmax_rep.csv"
text_max_refused text_max_refused_rows "$SD/textmax_rep.csv" \
    "textmax_rep.csv: column 'tag' holds more than 20 bytes of text in its rows (more than 2 distinct values: each row's value is kept)" \
    SEG_IMPORT_DICT_CAP=2
(cd "$SD" && SEG_IMPORT_TEXT_MAX=20 SEG_IMPORT_INMEM=1 "$SEG" import -q textmax_rep.csv -o rep_mem.segcol &&
    printf 'segment a = tag = "aaaa"\nsegment c = tag = "cccc"\n' > rep.seg &&
    "$SEG" run rep.seg rep_mem.segcol --format csv) >"$SD/rep_mem.out" 2>"$SD/rep_mem.err"
grep -q '^a,3,' "$SD/rep_mem.out" && grep -q '^c,1,' "$SD/rep_mem.out" && t_ok import/text_max_distinct_in_memory ||
    t_fail import/text_max_distinct_in_memory "$(cat "$SD/rep_mem.out" "$SD/rep_mem.err")"
printf 'id\tamount\tday\tok\r\n1\t1 234,50\t23.11.2026\tyes\r\n2\t-0,5\t1.2.2026\tno\r\n3\tn/a\t\t\r\n' > "$SD/pinned.csv"
printf 'id: int\namount: number\nday: date\nok: bool\n' > "$SD/pinned.schema"
stream_same pinned_lenient "$SD/pinned.csv" --schema "$SD/pinned.schema" --lenient
stream_same pinned_refused "$SD/pinned.csv" --schema "$SD/pinned.schema"
printf 'a,b\n' > "$SD/header_only.csv"
stream_same header_only "$SD/header_only.csv"
printf 'a,b\n1,2\n3\n' > "$SD/short.csv"
stream_same short_refused "$SD/short.csv"
iconv -f utf-8 -t utf-16 "$SD/mixed.csv" > "$SD/mixed16.csv" 2>/dev/null && stream_same utf16 "$SD/mixed16.csv"
# an output of several MiB: the writer's thread and O_DIRECT write whole buffers
awk 'BEGIN { print "id,name,amount,day"; for (i = 0; i < 120000; i++)
    printf "%d,n%07d@example.com,%d.%02d,2026-%02d-%02d\n", i, (i * 7919) % 1000003, i % 5000, i % 100, i % 12 + 1, i % 28 + 1 }' > "$SD/big.csv"
stream_same big "$SD/big.csv"

# stdin is spooled to a file and read twice: the same bytes as from the file
dir="$T_TMP/stream.stdin"; mkdir -p "$dir"
(cd "$dir" && "$SEG" import - -o in.segcol < "$DS/crm_sample.csv" && "$SEG" import "$DS/crm_sample.csv" -o file.segcol) 2>"$dir/err"
if cmp -s "$dir/in.segcol" "$dir/file.segcol"; then t_ok "import/stream_stdin"
else t_fail "import/stream_stdin" "$(cat "$dir/err")"; fi

# Past SEG_IMPORT_DICT_CAP distinct values a text column has an entry per row
# (no map): another file, the same answers (rules over every text column)
dir="$T_TMP/stream.rows"; mkdir -p "$dir"
cp "$T_ROOT/examples/customers.csv" "$dir/crm.csv"
cat > "$dir/r.seg" <<'SEG'
segment hot = email ends with "@hotmail.com" or first_name starts with "Ö"
segment nordic = country in ("SE", "NO") and city contains "å"
segment tiers = loyalty_tier = "gold" or gender is missing
SEG
(cd "$dir" && SEG_IMPORT_DICT_CAP=3 "$SEG" import crm.csv -o rows.segcol && "$SEG" import crm.csv -o dict.segcol) 2>"$dir/err"
for f in rows dict; do
    (cd "$dir" && "$SEG" run r.seg $f.segcol --today 2026-11-23 --format csv --members m_$f.csv) >"$dir/c_$f" 2>>"$dir/err"
done
if ! cmp -s "$dir/rows.segcol" "$dir/dict.segcol" && cmp -s "$dir/c_rows" "$dir/c_dict" && [ -s "$dir/m_rows.csv" ] &&
   cmp -s "$dir/m_rows.csv" "$dir/m_dict.csv" && [ "$(csv_counts "$dir/c_dict" | awk '$2 > 0' | wc -l)" -eq 3 ]; then
    t_ok "import/stream_rows_text_same_answers"
else t_fail "import/stream_rows_text_same_answers" "$(cat "$dir/err")" "$(diff "$dir/c_rows" "$dir/c_dict")"; fi

# The cap is exact: a column with SEG_IMPORT_DICT_CAP distinct values keeps
# its dictionary (the in-memory import's very bytes), one more value does not
dir="$T_TMP/stream.cap"; mkdir -p "$dir"
printf 'id,v\n1,a\n2,b\n3,a\n4,c\n5,b\n' > "$dir/c.csv"
(cd "$dir" && SEG_IMPORT_INMEM=1 "$SEG" import -q c.csv -o mem.segcol && SEG_IMPORT_DICT_CAP=3 "$SEG" import -q c.csv -o at.segcol &&
    SEG_IMPORT_DICT_CAP=2 "$SEG" import -q c.csv -o past.segcol) 2>"$dir/err"
if cmp -s "$dir/mem.segcol" "$dir/at.segcol" && [ -s "$dir/past.segcol" ] && ! cmp -s "$dir/mem.segcol" "$dir/past.segcol"; then
    t_ok "import/stream_dict_cap_exact"
else t_fail "import/stream_dict_cap_exact" "$(cat "$dir/err")"; fi

# ... and what counts distinct values or finds a duplicate key reads such a
# column by its bytes, not its codes: count_distinct of an event column and
# of a measure, and a text customer key given twice
dir="$T_TMP/stream.canon"; mkdir -p "$dir"
printf 'cid,ch\na,web\nb,web\nc,shop\nd,app\ne,web\n' > "$dir/c.csv"
printf 'cid,ch\na,web\nb,shop\nb,web\nb,web\nc,app\n' > "$dir/ev.csv"
printf 'cid,ch\na,web\nb,web\na,app\n' > "$dir/dup.csv"
cat > "$dir/r.seg" <<'SEG'
table ev by cid
segment two = count_distinct(ev.ch) = 2
segment one = count_distinct(ev.ch) = 1
measure chans = count_distinct(ch)
SEG
for f in c ev dup; do (cd "$dir" && SEG_IMPORT_DICT_CAP=1 "$SEG" import -q $f.csv -o $f.segcol) 2>>"$dir/err"; done
(cd "$dir" && "$SEG" run r.seg c.segcol --table ev=ev.segcol --format csv) >"$dir/rows.out" 2>>"$dir/err"
(cd "$dir" && "$SEG" run r.seg c.csv --table ev=ev.csv --format csv) >"$dir/csv.out" 2>>"$dir/err"
if [ -s "$dir/rows.out" ] && cmp -s "$dir/rows.out" "$dir/csv.out" && grep -q '^two,1,' "$dir/csv.out" &&
   grep -q '^one,2,.*,2$' "$dir/csv.out"; then t_ok "import/stream_rows_text_counts_distinct_values"
else t_fail "import/stream_rows_text_counts_distinct_values" "$(cat "$dir/err")" "$(diff "$dir/rows.out" "$dir/csv.out")"; fi
(cd "$dir" && "$SEG" run r.seg dup.segcol --table ev=ev.segcol --format csv) >"$dir/dup.out" 2>"$dir/dup.err"; rc=$?
if [ "$rc" -eq 2 ] && [ ! -s "$dir/dup.out" ] && grep -q "cid 'a' is on rows 1 and 3" "$dir/dup.err"; then
    t_ok "import/stream_rows_text_duplicate_key_found"
else t_fail "import/stream_rows_text_duplicate_key_found" "exit $rc" "$(cat "$dir/dup.err")"; fi

# ---- seg run on a CSV reads only the columns its rules can name ----------
# A column whose name (case-folded) appears nowhere in the rules, --measure,
# --key or --columns is parsed and typed but its values are not kept. The
# results must be those of reading every column (SEG_READ_ALL_COLUMNS=1),
# byte for byte on stdout and stderr; that the columns really are left
# unread shows in the one message that reads values: why a column is text.
same_both_ways() {        # NAME DIR ARGS... : a success, with stdout and stderr the same read both ways
    local name=$1 dir=$2; shift 2
    seg_exec "$dir" "$@"; local rc1=$T_RC; cp "$T_OUT" "$dir/pruned.out"; cp "$T_ERR" "$dir/pruned.err"
    SEG_READ_ALL_COLUMNS=1 seg_exec "$dir" "$@"
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$dir/pruned.out" && cmp -s "$T_ERR" "$dir/pruned.err"; then
        t_ok "unread columns: $name"
    else
        t_fail "unread columns: $name" "exit $rc1 vs $T_RC (all columns)" \
            "$(diff "$dir/pruned.out" "$T_OUT" | head -5)" "$(diff "$dir/pruned.err" "$T_ERR" | head -5)"
    fi
}
UD="$T_TMP/unread"; mkdir -p "$UD"
for entry in "${GOOD[@]}"; do
    IFS='|' read -r csv rules types <<<"$entry"
    same_both_ways "$csv, counts" "$UD" run "$RULES/$rules" "$DS/$csv" --today $TODAY --format json
    same_both_ways "$csv, overlap" "$UD" overlap "$RULES/$rules" "$DS/$csv" --today $TODAY --format csv
    same_both_ways "$csv, report" "$UD" report "$RULES/$rules" "$DS/$csv" --today $TODAY -o -
    same_both_ways "$csv, members by the first column" "$UD" run "$RULES/$rules" "$DS/$csv" --today $TODAY --members -
    # the header's last and second names, whatever the delimiter and quoting
    IFS=$'\t' read -r last second < <(python3 -c 'import csv, sys
h = open(sys.argv[1], encoding="utf-8-sig", newline="").readline()
r = next(csv.reader([h], csv.Sniffer().sniff(h, ",;\t")))
print(r[-1] + "\t" + r[1])' "$DS/$csv")
    same_both_ways "$csv, --key $last --columns $second" "$UD" run "$RULES/$rules" "$DS/$csv" \
        --today $TODAY --members - --members-format jsonl --key "$last" --columns "$second"
done
EV=$T_ROOT/tests/events
printf 'table orders by customer_id\nsegment buyers = count(orders) >= 2\nsegment young = age < 30\n' > "$UD/ev.seg"
same_both_ways "an event table joined by a column the rules name" "$UD" run "$UD/ev.seg" "$EV/customers.csv" \
    --table orders="$EV/orders.csv" --today $TODAY --measure "sum(total_spend)" --members - --format json
# an event table's CSV too: its `code` (numbers, then 'x1' on line 302) is
# read when an aggregate names it, and only then (the note on why it is text
# reads its values); the counts are those of reading every column
{ echo 'customer_id,amount,code'; for i in $(seq 1 300); do echo "$((100000 + i % 40)),$((i % 9)).5,$((i * 3))"; done
  echo '100003,2.5,x1'; } > "$UD/ev_orders.csv"
for how in "0|count(orders) >= 2 and sum(orders.amount) > 20" "1|count(orders where code = \"x1\") = 1"; do
    IFS='|' read -r named rule <<<"$how"
    printf 'table orders by customer_id\nsegment s = %s\n' "$rule" > "$UD/ev.seg"
    args=(run "$UD/ev.seg" "$EV/customers.csv" --table orders="$UD/ev_orders.csv" --today $TODAY --format csv)
    seg_exec "$UD" "${args[@]}"; rc1=$T_RC; cp "$T_OUT" "$UD/pruned.out"
    notes=$(grep -c "column 'code' is text because line 302 has 'x1'" "$T_ERR")
    SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" "${args[@]}"
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pruned.out" && [ "$notes" = "$named" ] &&
       grep -q "column 'code' is text because line 302" "$T_ERR"; then
        t_ok "unread columns: an event table's column is read only when the rules name it ($rule)"
    else
        t_fail "unread columns: an event table's column is read only when named ($rule)" \
            "exit $rc1 vs $T_RC (all columns), $notes notes" "$(diff "$UD/pruned.out" "$T_OUT" | head -5)"
    fi
done
{ echo 'id,amount,code,Name'; for i in $(seq 1 300); do echo "$i,$((i % 7)).5,$((i * 3)),n$i"; done; echo '301,2.5,x1,n301'; } > "$UD/u.csv"
echo 'segment big = amount > 3' > "$UD/u.seg"
seg_exec "$UD" run u.seg u.csv --today $TODAY
if [ "$T_RC" = 0 ] && grep -q '^big  *172 ' "$T_OUT" && ! grep -q "column 'code'" "$T_ERR"; then
    t_ok "unread columns: a column the rules do not name is not read (no note on its values)"
else
    t_fail "unread columns: a column the rules do not name is not read" "exit $T_RC" "$(cat "$T_OUT" "$T_ERR" | head -8)"
fi
seg_exec "$UD" run missing.seg u.csv --today $TODAY
if [ "$T_RC" = 2 ] && [ "$(grep -c 'missing.seg: cannot open' "$T_ERR")" = 1 ]; then
    t_ok "unread columns: a rules file that cannot be read is reported once"
else
    t_fail "unread columns: a rules file that cannot be read is reported once" "exit $T_RC" "$(cat "$T_ERR")"
fi
seg_exec "$UD" run <(echo 'segment big = amount > 3') u.csv --today $TODAY
if [ "$T_RC" = 0 ] && grep -q '^big  *172 ' "$T_OUT" && ! grep -q "column 'code'" "$T_ERR"; then
    t_ok "unread columns: rules from a pipe are read once, and name the columns kept"
else
    t_fail "unread columns: rules from a pipe" "exit $T_RC" "$(cat "$T_OUT" "$T_ERR" | head -8)"
fi
for how in "SEG_READ_ALL_COLUMNS=1|u.seg" "|code.seg" "|Name.seg"; do
    IFS='|' read -r env rules <<<"$how"
    case $rules in
        code.seg) echo 'segment big = amount > 3 and code != "7"' > "$UD/code.seg" ;;
        Name.seg) printf 'segment big = amount > 3\nsegment n = NAME = "n3"  # `name` in any case\n' > "$UD/Name.seg" ;;
    esac
    env $env "$SEG" run "$UD/$rules" "$UD/u.csv" --today $TODAY --members "$UD/m.csv" --columns code > "$UD/o" 2> "$UD/e"; rc=$?
    if [ $rc = 0 ] && grep -q "column 'code' is text because line 302 has 'x1'" "$UD/e" && grep -q '^big,10,30$' "$UD/m.csv"; then
        t_ok "unread columns: read when ${env:-the rules or --columns name it} ($rules)"
    else
        t_fail "unread columns: read when ${env:-named} ($rules)" "exit $rc" "$(head -5 "$UD/e" "$UD/m.csv")"
    fi
done

# seg diff reads as run does: the columns the rules files and --key name
# (two exports: and the first, the default key). The moves (stdout) and the
# report (stderr) are those of reading every column, but for the one note
# that reads values, on `code`, which the rules never name
awk -F, 'NR > 1 && NR % 5 == 0 { $2 = $2 + 2 } { print }' OFS=, "$UD/u.csv" > "$UD/u2.csv"
printf 'segment big = amount > 4\nsegment small = amount < 2\n' > "$UD/u_new.seg"
for how in "exports|u.seg --data u.csv u2.csv --members -" "exports, --key|u.seg --data u.csv u2.csv --key Name --members -" \
           "rules files|u.seg u_new.seg u.csv"; do
    IFS='|' read -r tag args <<<"$how"
    # shellcheck disable=SC2086
    seg_exec "$UD" diff $args --today $TODAY --format json; rc1=$T_RC
    cp "$T_OUT" "$UD/pruned.out"; cp "$T_ERR" "$UD/pruned.err"
    # shellcheck disable=SC2086
    SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" diff $args --today $TODAY --format json
    grep -v "column 'code' is text" "$T_ERR" > "$UD/all.err"
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pruned.out" && cmp -s "$UD/all.err" "$UD/pruned.err" &&
       grep -q "column 'code' is text" "$T_ERR" && grep -q '"segment": "big", "status": "changed"' "$UD/pruned.out" "$UD/pruned.err"; then
        t_ok "unread columns: diff ($tag) leaves a column its rules do not name unread, results unchanged"
    else
        t_fail "unread columns: diff ($tag) leaves a column unread" "exit $rc1 vs $T_RC (all columns)" \
            "$(diff "$UD/pruned.out" "$T_OUT" | head -5)" "$(diff "$UD/pruned.err" "$T_ERR" | head -5)"
    fi
done

# seg why too: the rules' columns and the key column (--key-column, else the first)
for how in "the first column as key|why u.seg u.csv --key 7 --key 12" "--key-column|why u.seg u.csv --key-column Name --key n7"; do
    IFS='|' read -r tag args <<<"$how"
    # shellcheck disable=SC2086
    seg_exec "$UD" $args --today $TODAY --format json; rc1=$T_RC; cp "$T_OUT" "$UD/pruned.out"; cp "$T_ERR" "$UD/pruned.err"
    # shellcheck disable=SC2086
    SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" $args --today $TODAY --format json
    grep -v "column 'code' is text" "$T_ERR" > "$UD/all.err"
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pruned.out" && cmp -s "$UD/all.err" "$UD/pruned.err" &&
       grep -q "column 'code' is text" "$T_ERR" && grep -q '"amount"' "$UD/pruned.out"; then
        t_ok "unread columns: why ($tag) leaves a column its rules do not name unread, its answer unchanged"
    else
        t_fail "unread columns: why ($tag) leaves a column unread" "exit $rc1 vs $T_RC (all columns)" \
            "$(diff "$UD/pruned.out" "$T_OUT" | head -5)" "$(diff "$UD/pruned.err" "$T_ERR" | head -5)"
    fi
done

# seg report too: a column the rules cannot name is typed and its missing
# values counted, not kept; the page is the one of reading every column
awk -F, 'NR > 1 && NR % 7 == 0 { $3 = "" } NR > 1 && NR % 11 == 0 { $4 = " " } { print }' OFS=, "$UD/u.csv" > "$UD/u3.csv"
seg_exec "$UD" report u.seg u3.csv --today $TODAY -o -; rc1=$T_RC; cp "$T_OUT" "$UD/pruned.out"; cp "$T_ERR" "$UD/pruned.err"
SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" report u.seg u3.csv --today $TODAY -o -
if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pruned.out" && grep -q "column 'code' is text" "$T_ERR" &&
   ! grep -q "column 'code'" "$UD/pruned.err" && grep -q 'data-column="code" data-missing="43"' "$UD/pruned.out" &&
   grep -q 'data-column="Name" data-missing="27"' "$UD/pruned.out"; then
    t_ok "unread columns: report counts the missing values of the columns it leaves unread, the page unchanged"
else
    t_fail "unread columns: report leaves columns unread" "exit $rc1 vs $T_RC (all columns)" \
        "$(diff "$UD/pruned.out" "$T_OUT" | head -5)" "$(grep -o 'data-column="[^"]*" data-missing="[0-9]*"' "$UD/pruned.out")"
fi

# check, compile, sql and explain with --data: the columns the rules files
# can name are kept, the others typed (and noted as missing or not); the
# output is that of reading every column (a folder of rules: all are read)
mkdir -p "$UD/rules_dir"; cp "$UD/u.seg" "$UD/rules_dir/"
for how in "check|check u.seg --data u3.csv --format json|1" "compile|compile u.seg --data u3.csv -o - |1" \
           "sql|sql u.seg --data u3.csv --dialect sqlite|1" "explain|explain u.seg --data u3.csv|1" \
           "check, a folder|check rules_dir --data u3.csv --format json|0"; do
    IFS='|' read -r tag args pruned <<<"$how"
    # shellcheck disable=SC2086
    seg_exec "$UD" $args; rc1=$T_RC; cp "$T_OUT" "$UD/pruned.out"
    notes=$(grep -c "column 'code' is text" "$T_ERR")
    # shellcheck disable=SC2086
    SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" $args
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pruned.out" && [ -s "$T_OUT" ] &&
       grep -q "column 'code' is text" "$T_ERR" && [ "$notes" = $((1 - pruned)) ]; then
        t_ok "unread columns: $tag --data keeps only the columns the rules name (or all), its output unchanged"
    else
        t_fail "unread columns: $tag --data" "exit $rc1 vs $T_RC (all columns), $notes notes" \
            "$(cmp "$UD/pruned.out" "$T_OUT")" "$(head -3 "$T_ERR")"
    fi
done

# an event table's time column need not be named: without `time COL` it is
# the table's only date column, which first() and last() read. Each command
# gives what reading every column gives (the table is read again whole)
{ echo 'customer_id,amount,odate,code'; for i in $(seq 1 300); do
      printf '%d,%d.5,2026-%02d-%02d,%d\n' $((100000 + i % 40)) $((i % 9)) $((i % 12 + 1)) $((i % 28 + 1)) $((i * 3)); done
  echo '100003,2.5,2026-12-01,x1'; } > "$UD/ev_dated.csv"
printf 'table orders by customer_id\nsegment late_big = last(orders.amount) > 4\nsegment first_small = first(orders.amount) < 3\npriority p = late_big, else rest\n' > "$UD/ev_time.seg"
EVT=(--table orders="$UD/ev_dated.csv")
for how in "run|run ev_time.seg $EV/customers.csv --today $TODAY --format csv" \
           "overlap|overlap ev_time.seg $EV/customers.csv --today $TODAY --format csv" \
           "report|report ev_time.seg $EV/customers.csv --today $TODAY -o -" \
           "why|why ev_time.seg $EV/customers.csv --key 100003 --today $TODAY --format json" \
           "diff|diff ev_time.seg ev_time.seg $EV/customers.csv --today $TODAY --format json" \
           "check|check ev_time.seg --data $EV/customers.csv --format json"; do
    IFS='|' read -r tag args <<<"$how"
    # shellcheck disable=SC2086
    seg_exec "$UD" $args "${EVT[@]}"; rc1=$T_RC; cp "$T_OUT" "$UD/pruned.out"; cp "$T_ERR" "$UD/pruned.err"
    # shellcheck disable=SC2086
    SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" $args "${EVT[@]}"
    grep -v "column 'code' is text" "$T_ERR" > "$UD/all.err"
    if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && [ -s "$T_OUT" ] && cmp -s "$T_OUT" "$UD/pruned.out" && cmp -s "$UD/all.err" "$UD/pruned.err"; then
        t_ok "unread columns: $tag with an event table's unnamed time column (first, last): as reading every column"
    else
        t_fail "unread columns: $tag with an event table's unnamed time column" "exit $rc1 vs $T_RC (all columns)" \
            "$(head -3 "$UD/pruned.err")" "$(diff "$UD/pruned.out" "$T_OUT" | head -5)"
    fi
done
# an event table from a pipe, read again for its time column: from the bytes io.c keeps of a pipe
(cd "$UD" && timeout -k 5 "$SEG_TIMEOUT" "$SEG" run ev_time.seg "$EV/customers.csv" --today $TODAY --format csv \
    --table orders=<(cat ev_dated.csv)) > "$UD/pipe.out" 2> "$UD/pipe.err"; rc1=$?
SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" run ev_time.seg "$EV/customers.csv" --today $TODAY --format csv "${EVT[@]}"
if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && cmp -s "$T_OUT" "$UD/pipe.out"; then
    t_ok "unread columns: an event table from a pipe, its unnamed time column read"
else
    t_fail "unread columns: an event table from a pipe" "exit $rc1 vs $T_RC" "$(head -3 "$UD/pipe.err")"
fi
# and diff --data where NEW_DATA's key (OLD_DATA's first column) is not its first
awk -F, '{ print $2 "," $1 "," $3 "," $4 }' OFS=, "$UD/u2.csv" > "$UD/u2_moved.csv"
seg_exec "$UD" diff u.seg --data u.csv u2_moved.csv --today $TODAY --format json --members -; rc1=$T_RC
cp "$T_OUT" "$UD/pruned.out"
SEG_READ_ALL_COLUMNS=1 seg_exec "$UD" diff u.seg --data u.csv u2_moved.csv --today $TODAY --format json --members -
if [ "$rc1" = 0 ] && [ "$T_RC" = 0 ] && [ "$(wc -l < "$T_OUT")" -gt 1 ] && cmp -s "$T_OUT" "$UD/pruned.out"; then
    t_ok "unread columns: diff --data finds the key by name in NEW_DATA, wherever it is"
else
    t_fail "unread columns: diff --data, the key not first in NEW_DATA" "exit $rc1 vs $T_RC" "$(head -3 "$T_ERR")"
fi

t_summary import
