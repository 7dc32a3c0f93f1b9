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

DS=$SEG_SHARED/datasets
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

t_summary import
