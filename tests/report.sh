#!/usr/bin/env bash
# tests/report.sh -- `seg report` (issue 17, section 4 "Seen, not read"):
# the HTML page of a run, and the progress bar of import and run.
#
#   SEG=build/seg bash tests/report.sh
#
# The figures on the page are compared with what seg run and seg overlap
# print for the same rules and data (--format csv/json, read with python's
# csv and json), and the missing values with python's csv reader's count of
# empty fields; the page is read with python's html.parser (what the
# escaping must survive) and rendered by Debian's headless Chromium: its
# DOM after rendering holds every segment and count, the console is
# silent (a probe page with an error shows the check can see one), and a
# screenshot at desktop and at phone width shows the bars in their colour.
# The screenshots are kept in $SEG_TEST_OUT/report/BUILD (default
# tests/out/, git-ignored) and their paths printed. Without chromium the
# rendering part prints one "not run" line.
#
# Progress (a pty from util-linux's `script`): the bar is drawn on a
# terminal, not with --quiet, and never when stderr is not a terminal.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

G=report
D=$T_TMP/report
mkdir -p "$D"
TODAY=2026-11-23
cp "$T_ROOT/examples/customers.csv" "$D/crm.csv"
cp "$T_ROOT/examples/campaign.seg" "$D/campaign.seg"
build=$(basename "$(dirname "$SEG")")
SHOTS=${SEG_TEST_OUT:-$T_ROOT/tests/out}/report/$build
mkdir -p "$SHOTS"

# check_page HTML RUN.json OVERLAP.csv DATA.csv -- every figure of the page
# against run's JSON, overlap's CSV and python's count of empty fields;
# prints one line a problem (nothing: all agree).
cat > "$D/check.py" <<'PY'
import csv, html.parser, json, sys
page, runj, ovl, data = sys.argv[1:5]
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.cur, self.cell, self.stack = [], None, None, []
        self.tables, self.table = [], None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'table':
            self.table = dict(a, rows=[]); self.tables.append(self.table)
        elif tag == 'tr':
            self.cur = dict(a, cells=[])
            if self.table is not None: self.table['rows'].append(self.cur)
        elif tag in ('td', 'th') and self.cur is not None:
            self.cell = []; self.cur['cells'].append(self.cell)
        elif tag in ('title', 'desc', 'span'):
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in ('td', 'th'): self.cell = None
        elif tag == 'table': self.table = None
        elif tag in ('title', 'desc', 'span') and self.stack: self.stack.pop()
    def handle_data(self, d):
        if self.cell is not None and 'title' not in self.stack: self.cell.append(d)
p = P()
p.feed(open(page, encoding='utf-8').read())
def text(c): return ''.join(c).strip()
def table(**k):
    return [t for t in p.tables if all(t.get(a) == v for a, v in k.items())]
bad = []
def same(what, got, want):
    if got != want: bad.append('%s: page %r, expected %r' % (what, got, want))
def share(x, prec=1): return '%.*f%%' % (prec, x)
run = json.load(open(runj))
rows = run['customers']
# segments: every one, in order, with its count and share as text and as data
seg = table(id='segments')
got = [(r['data-segment'], int(r['data-count']), r['cells'][0][0], text(r['cells'][2]), text(r['cells'][3]))
       for r in seg[0]['rows'] if 'data-segment' in r] if seg else []
want = [(s['segment'], s['customers'], s['segment'], None, share(100 * s['customers'] / rows)) for s in run['segments']]
same('segments (names)', [g[0] for g in got], [w[0] for w in want])
for g, w in zip(got, want):
    same('segment %s count' % w[0], g[1], w[1])
    same('segment %s shown name' % w[0], g[2], w[2])
    same('segment %s shown count' % w[0], g[3].replace(' ', '').replace('\u00a0', ''), str(w[1]))
    same('segment %s share' % w[0], g[4], w[4])
# the pairs: every pair of overlap's CSV, with its count
pairs = table(id='pairs')
ov = [(r['segment_a'], r['segment_b'], int(r['both'])) for r in csv.DictReader(open(ovl, encoding='utf-8'))]
if len(run['segments']) >= 2:
    pg = [(r['data-a'], r['data-b'], int(r['data-both'])) for r in pairs[0]['rows'] if 'data-a' in r] if pairs else []
    same('pairs', pg, ov)
# tiers
for pr in run.get('priorities', []):
    t = table(**{'data-priority': pr['priority']})
    got = [(r['data-tier'], int(r['data-count'])) for r in t[0]['rows'] if 'data-tier' in r] if t else []
    want = [(x['tier'], x['customers']) for x in pr['tiers']]
    if pr['in_no_tier'] or not any(x['else'] for x in pr['tiers']): want.append(('(in no tier)', pr['in_no_tier']))
    same('priority %s' % pr['priority'], got, want)
# splits
for sp in run.get('splits', []):
    t = table(**{'data-split': sp['split']})
    got = [(r['data-arm'], int(r['data-count']), text(r['cells'][4])) for r in t[0]['rows'] if 'data-arm' in r] if t else []
    want = [(a['arm'], a['customers'], share(100 * a['declared'], 2)) for a in sp['arms']]
    same('split %s' % sp['split'], got, want)
# measures: each value of run's (exact) within the rounding of the page's
mt = table(id='measure-table')
if run['segments'] and 'measures' in run['segments'][0]:
    names = list(run['segments'][0]['measures'])
    head = [text(c) for c in mt[0]['rows'][0]['cells'][1:]] if mt else []
    same('measure names', head, names)
    body = [r for r in mt[0]['rows'][1:]] if mt else []
    same('measure rows', len(body), len(run['segments']))
    for r, s in zip(body, run['segments']):
        for c, m in zip(r['cells'][1:], names):
            v = s['measures'][m]
            if v is None: same('measure %s of %s' % (m, s['segment']), text(c), '')
            elif abs(float(text(c)) - v) > 0.006 * max(1, abs(v)) and abs(float(text(c)) - v) > 0.006:
                bad.append('measure %s of %s: page %s, run %s' % (m, s['segment'], text(c), v))
# missing values: python's csv, an empty field is a missing value
with open(data, encoding='utf-8', newline='') as f:
    rd = csv.reader(f)
    header = next(rd)
    empty = [0] * len(header)
    n = 0
    for row in rd:
        n += 1
        for i, v in enumerate(row): empty[i] += v == ''
ct = table(id='columns')
got = [(r['data-column'], int(r['data-missing']), text(r['cells'][4])) for r in ct[0]['rows'] if 'data-column' in r] if ct else []
same('missing values', got, [(h, e, share(100 * e / n if n else 0)) for h, e in zip(header, empty)])
print('\n'.join(bad))
PY

# report_case NAME RULES DATA [OPTIONS...] -- seg report, run --format json
# and overlap --format csv with the same options; the page checked
report_case() {
    local name=$1 rules=$2 data=$3; shift 3
    seg_exec "$D" report "$rules" "$data" --today $TODAY -o "$name.html" "$@"
    local rc=$T_RC err
    err=$(cat "$T_ERR")
    seg_exec "$D" run "$rules" "$data" --today $TODAY --format json --min-size 0 "$@"
    cp "$T_OUT" "$D/$name.json"
    seg_exec "$D" overlap "$rules" "$data" --today $TODAY --format csv "$@"
    cp "$T_OUT" "$D/$name.ovl.csv"
    seg_exec "$D" run "$rules" "$data" --today $TODAY --format csv "$@"    # run's warnings (W0211, W0221...)
    if [ "$err" = "$(cat "$T_ERR")" ]; then t_ok "$G/$name: the warnings on stderr are run's"
    else t_fail "$G/$name: the warnings on stderr are run's" "$(diff <(printf '%s\n' "$err") "$T_ERR" | head -8)"; fi
    if [ "$rc" -ne 0 ] || [ ! -s "$D/$name.html" ]; then
        t_fail "$G/$name: the page is written" "rc=$rc" "$err"
        return
    fi
    local diffs
    diffs=$(cd "$D" && python3 check.py "$name.html" "$name.json" "$name.ovl.csv" "${ORACLE_CSV:-$data}" 2>&1)
    [ -z "$diffs" ] && t_ok "$G/$name: every segment, pair, tier, arm, measure and column's missing share as run, overlap and python's csv" \
        || t_fail "$G/$name: figures as run and overlap" "$diffs"
}

report_case campaign campaign.seg crm.csv
cat > "$D/plain.seg" <<'RULES'
segment young = age < 35
segment swedes = country = "SE"
segment big = total_spend >= 3000 and last_purchase is not missing
segment nobody = age > 200
RULES
report_case plain plain.seg crm.csv --segment swedes --segment big --segment nobody
# suppressed: members of every segment (and customers of none)
seg_exec "$D" run plain.seg crm.csv --members - --today $TODAY
{ echo customer_id; awk -F, 'NR > 1 && n[$1]++ < 40 { print $2 }' "$T_OUT"; echo 100001; } > "$D/sup.csv"
report_case excluded plain.seg crm.csv --exclude sup.csv
# a .segcol as DATA: the same page as from the CSV (but the file names)
seg_exec "$D" import crm.csv -o crm.segcol
ORACLE_CSV=crm.csv report_case segcol plain.seg crm.segcol
seg_exec "$D" report plain.seg crm.csv --today $TODAY -o csvdata.html
sed 's/crm\.segcol/X/g' "$D/segcol.html" > "$D/a.html"
sed 's/crm\.csv/X/g' "$D/csvdata.html" > "$D/b.html"
cmp -s "$D/a.html" "$D/b.html" && t_ok "$G/segcol: the page of a .segcol is the page of its CSV" \
    || t_fail "$G/segcol: the page of a .segcol is the page of its CSV" "$(diff "$D/a.html" "$D/b.html" | head -5)"

# ---- every user string escaped: column names, segment names, descriptions, values
printf 'id,<script>,a&b,"x""y",'"'"'q'"'"'\n1,5,,z,1\n2,,3,,2\n3,7,4,w,\n' > "$D/esc.csv"
cat > "$D/esc.seg" <<'RULES'
segment `<img src=x onerror=alert(1)>` "desc <b>&amp;</b> \"quoted\"" = `<script>` > 4
segment `a&b big` = `a&b` >= 3
measure `<i>m</i>` = sum(`a&b`)
RULES
report_case escaping esc.seg esc.csv
if [ -s "$D/escaping.html" ]; then
    # no tag but the page's own: every < that opens a tag names one of these
    tags=$(grep -o '<[a-zA-Z!/][a-zA-Z0-9-]*' "$D/escaping.html" | sed 's/^<\/*//' | sort -u | tr '\n' ' ')
    stray=$(printf '%s\n' $tags | grep -vxE '!DOCTYPE|html|head|meta|title|style|body|header|h1|h2|h3|p|span|main|section|div|table|thead|tbody|tr|th|td|svg|rect|text|g|desc|defs|linearGradient|stop|details|summary|code|footer' || true)
    [ -z "$stray" ] && t_ok "$G/escaping: only the page's own tags (no <script>, <img>, <b>, <i> from the data)" \
        || t_fail "$G/escaping: only the page's own tags" "$stray"
    python3 - "$D/escaping.html" > "$D/esc.out" <<'PY'
import html.parser, sys
seen = {'col': [], 'seg': [], 'desc': []}
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'data-column' in a: seen['col'].append(a['data-column'])
        if 'data-segment' in a: seen['seg'].append(a['data-segment'])
P().feed(open(sys.argv[1], encoding='utf-8').read())
print(seen['col']); print(seen['seg'])
PY
    [ "$(cat "$D/esc.out")" = "['id', '<script>', 'a&b', 'x\"y', \"'q'\"]
['<img src=x onerror=alert(1)>', 'a&b big']" ] && t_ok "$G/escaping: the names read back as they were written" \
        || t_fail "$G/escaping: the names read back as they were written" "$(cat "$D/esc.out")"
    grep -q 'desc &lt;b&gt;&amp;amp;&lt;/b&gt; &quot;quoted&quot;' "$D/escaping.html" \
        && t_ok "$G/escaping: a description's markup is text" || t_fail "$G/escaping: a description's markup is text"
fi

# ---- self-contained: nothing fetched, no script
# (read as a browser would: tags and attributes, not the escaped text of the data)
cat > "$D/external.py" <<'PY'
import html.parser, re, sys
bad = []
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag in ('script', 'link', 'img', 'iframe', 'object', 'embed', 'base', 'image', 'use', 'a', 'form'):
            bad.append('<%s>' % tag)
        for k, v in attrs:
            if k in ('src', 'href', 'xlink:href', 'srcset', 'action', 'formaction', 'poster', 'data') or k.startswith('on'):
                bad.append('%s=%r on <%s>' % (k, v, tag))
            if v and re.search(r'url\((?!#)', v): bad.append('url() in %s' % k)
    def handle_data(self, d):
        if self.lasttag == 'style' and re.search(r'@import|url\((?!#)', d): bad.append('style fetches')
for f in sys.argv[1:]:
    text = open(f, encoding='utf-8').read()
    P().feed(text)
    bad += re.findall(r'(?i)\b(?:https?|ftp)://\S+', text)
print('\n'.join(bad))
PY
ext=$(python3 "$D/external.py" "$D/campaign.html" "$D/escaping.html" "$D/excluded.html")
[ -z "$ext" ] && t_ok "$G/self-contained: no script, no element or attribute that loads anything, no URL" \
    || t_fail "$G/self-contained: nothing that loads anything" "$ext"
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$D/campaign.html" && grep -q 'name="viewport"' "$D/campaign.html" \
    && t_ok "$G/self-contained: a CSP that allows nothing to be fetched, and a viewport for phones" \
    || t_fail "$G/self-contained: CSP and viewport"
# text alternatives: every SVG has a title (and a role and label)
nsvg=$(grep -o '<svg ' "$D/campaign.html" | wc -l)
nalt=$(grep -oE '<svg [^>]*role="img"[^>]*aria-(label|labelledby)="[^"]+"[^>]*><title' "$D/campaign.html" | wc -l)
ndl=$(grep -oE '<svg [^>]*role="img"[^>]*><title' "$D/campaign.html" | wc -l)
[ "$nsvg" -gt 10 ] && [ "$nalt" -eq "$nsvg" ] || [ "$ndl" -eq "$nsvg" ] && [ "$nsvg" -gt 10 ] \
    && t_ok "$G/text alternatives: each of the $nsvg SVGs is an image with a label and a title" \
    || t_fail "$G/text alternatives: each SVG labelled" "svg $nsvg, labelled $nalt/$ndl"

# ---- errors: exit codes as run's, no file left, the old page kept, inputs refused
seg_exec "$D" report plain.seg crm.csv
[ "$T_RC" -eq 2 ] && grep -q -- "-o REPORT.html" "$T_ERR" && t_ok "$G/usage: -o is required" \
    || t_fail "$G/usage: -o is required" "rc=$T_RC $(cat "$T_ERR")"
seg_exec "$D" report plain.seg crm.csv -o x.html --format csv
[ "$T_RC" -eq 2 ] && grep -q -- "--format" "$T_ERR" && [ ! -e "$D/x.html" ] && t_ok "$G/usage: --format refused" \
    || t_fail "$G/usage: --format refused" "rc=$T_RC $(cat "$T_ERR")"
printf 'segment a = age > 3 and\n' > "$D/broken.seg"
seg_exec "$D" report broken.seg crm.csv -o broken.html
[ "$T_RC" -eq 1 ] && [ ! -e "$D/broken.html" ] && grep -q "error" "$T_ERR" \
    && t_ok "$G/errors: a rules error exits 1 and writes no page" || t_fail "$G/errors: a rules error exits 1" "rc=$T_RC"
cp "$D/plain.html" "$D/keep.html"
printf 'customer_id,age\n1,2\n3\n' > "$D/ragged.csv"
seg_exec "$D" report plain.seg ragged.csv -o keep.html
[ "$T_RC" -eq 2 ] && cmp -s "$D/plain.html" "$D/keep.html" && [ -z "$(ls "$D" | grep '\.tmp\.' || true)" ] \
    && t_ok "$G/errors: a bad data file exits 2, the old page untouched, no temporary left" \
    || t_fail "$G/errors: a bad data file exits 2, old page kept" "rc=$T_RC $(ls -a "$D" | tr '\n' ' ')"
for inp in plain.seg crm.csv sup.csv; do
    cp "$D/$inp" "$D/$inp.orig"
    seg_exec "$D" report plain.seg crm.csv --exclude sup.csv -o "$inp" --force
    [ "$T_RC" -eq 2 ] && cmp -s "$D/$inp" "$D/$inp.orig" && t_ok "$G/errors: -o $inp (an input) refused, even with --force" \
        || t_fail "$G/errors: -o $inp (an input) refused" "rc=$T_RC $(cat "$T_ERR")"
done
printf 'a,b\n1,2\n' > "$D/notes.csv"
seg_exec "$D" report plain.seg crm.csv -o notes.csv
[ "$T_RC" -eq 2 ] && [ "$(cat "$D/notes.csv")" = "a,b
1,2" ] && grep -q "force" "$T_ERR" && t_ok "$G/errors: an existing file that is not a page needs --force" \
    || t_fail "$G/errors: a non-HTML file is not replaced" "rc=$T_RC $(cat "$T_ERR")"
seg_exec "$D" report plain.seg crm.csv -o notes.csv --force --today $TODAY
[ "$T_RC" -eq 0 ] && head -c 15 "$D/notes.csv" | grep -q '<!DOCTYPE html>' && t_ok "$G/errors: --force replaces it" \
    || t_fail "$G/errors: --force replaces it" "rc=$T_RC"
seg_exec "$D" report plain.seg crm.csv -o - --today $TODAY --title 'T <&> "x"'
[ "$T_RC" -eq 0 ] && grep -q '<title>T &lt;&amp;&gt; &quot;x&quot;</title>' "$T_OUT" && t_ok "$G/-o -: the page on stdout, --title escaped" \
    || t_fail "$G/-o -: the page on stdout" "rc=$T_RC"

# ---- progress on stderr: a bar on a terminal only, cleared, silenced by --quiet
# (a pty from util-linux's script; SEG_PROGRESS_AFTER=0 draws from the start,
# where a user's small file would show none)
"$(dirname "$SEG")/gencustomers" --rows 100000 --seed 7 -o "$D/big.csv"
# on_pty NAME ARGS... -- seg ARGS with stdout and stderr on a pty, what it wrote in $D/NAME.tty
on_pty() {
    local name=$1; shift
    local cmd q
    cmd=$(printf '%q ' "$SEG" "$@")
    (cd "$D" && SEG_PROGRESS_AFTER=0 timeout -k 5 "$SEG_TIMEOUT" script -qec "$cmd" /dev/null) > "$D/$name.tty" 2>&1
}
if ! command -v script > /dev/null; then
    printf '# %s: not run: no script(1) (util-linux) to give seg a terminal\n' "$G/progress"
else
    t0=$(date +%s.%N)
    on_pty import import big.csv -o big.segcol
    t1=$(date +%s.%N)
    draws=$(grep -o $'\r''importing big.csv' "$D/import.tty" | wc -l)
    grep -q $'\r''importing big.csv  \[=*>* *\] *[0-9]*%  [0-9 ]* rows  [0-9.]* MB/s' "$D/import.tty" \
        && grep -q $'\r\e\[Kseg: imported 100000 rows, 13 columns into big.segcol' "$D/import.tty" \
        && t_ok "$G/progress: import on a terminal draws a bar (rows, MB/s), cleared before its last line" \
        || t_fail "$G/progress: import on a terminal draws a bar" "$(cat -v "$D/import.tty" | head -c 600)"
    # at most ten draws a second (and one more: the first)
    python3 -c "import sys; n, a, b = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]); sys.exit(0 if 1 <= n <= 1 + 10 * (b - a) + 1 else 1)" \
        "$draws" "$t0" "$t1" && t_ok "$G/progress: redrawn at most ten times a second ($draws draws)" \
        || t_fail "$G/progress: redrawn at most ten times a second" "$draws draws in $(echo "$t1 - $t0" | bc 2>/dev/null) s"
    on_pty import_q import big.csv -o big.segcol --quiet
    [ -s "$D/big.segcol" ] && ! grep -q 'importing\|imported\|rows' "$D/import_q.tty" \
        && t_ok "$G/progress: import --quiet: no bar, no summary line" \
        || t_fail "$G/progress: import --quiet: no bar, no summary line" "$(cat -v "$D/import_q.tty" | head -c 400)"
    on_pty run run plain.seg big.segcol --today $TODAY --format csv --min-size 0
    seg_exec "$D" run plain.seg big.segcol --today $TODAY --format csv --min-size 0
    tr -d '\r' < "$D/run.tty" | sed 's/^.*\x1b\[K//' > "$D/run.clean"
    grep -q $'\r''evaluating plain.seg  \[=*>* *\] *[0-9]*%  [0-9 ]* rows' "$D/run.tty" \
        && diff -q <(grep -v '^$' "$D/run.clean") "$T_OUT" > /dev/null \
        && t_ok "$G/progress: run on a terminal draws a bar, and the output is run's" \
        || t_fail "$G/progress: run on a terminal draws a bar" "$(cat -v "$D/run.tty" | head -c 600)"
    on_pty run_q run plain.seg big.csv --today $TODAY --format csv -q
    ! grep -q 'evaluating\|reading' "$D/run_q.tty" && grep -q '^segment,customers' "$D/run_q.tty" \
        && t_ok "$G/progress: run -q: no bar" || t_fail "$G/progress: run -q: no bar" "$(cat -v "$D/run_q.tty" | head -c 400)"
    on_pty report_t report plain.seg big.csv --today $TODAY -o big.html
    grep -q $'\r''reading big.csv' "$D/report_t.tty" && grep -q $'\r''evaluating plain.seg' "$D/report_t.tty" \
        && t_ok "$G/progress: report reading a CSV: a bar for the reading and one for the rules" \
        || t_fail "$G/progress: report: bars" "$(cat -v "$D/report_t.tty" | head -c 400)"
fi
# not a terminal: nothing but what seg said before the bar existed
(cd "$D" && SEG_PROGRESS_AFTER=0 "$SEG" import big.csv -o big2.segcol) > "$D/nt.out" 2> "$D/nt.err"
[ "$(cat "$D/nt.err")" = "seg: imported 100000 rows, 13 columns into big2.segcol" ] && [ ! -s "$D/nt.out" ] \
    && t_ok "$G/progress: stderr not a terminal: import says only its summary" \
    || t_fail "$G/progress: stderr not a terminal: import says only its summary" "$(cat -v "$D/nt.err" | head -5)"
(cd "$D" && SEG_PROGRESS_AFTER=0 "$SEG" run plain.seg big.csv --today $TODAY --min-size 0) > "$D/nt.out" 2> "$D/nt.err"
[ ! -s "$D/nt.err" ] && grep -q '^swedes ' "$D/nt.out" && t_ok "$G/progress: stderr not a terminal: run writes nothing on it" \
    || t_fail "$G/progress: stderr not a terminal: run writes nothing on it" "$(cat -v "$D/nt.err" | head -5)"

# ---- rendered by Chromium
CHROME=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$CHROME" ]; then
    printf '# %s: not run: chromium is not installed (bash tools/install-deps.sh installs it); the rendering checks were skipped\n' "$G/chromium"
else
    # chrome URL FLAGS... -- one headless run; stdout/stderr to $D/chrome.out/.err
    chrome() {
        local url=$1; shift
        HOME=$T_TMP timeout -k 5 60 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
            --user-data-dir="$T_TMP/chrome-profile" --enable-logging=stderr --v=0 "$@" "$url" \
            > "$D/chrome.out" 2> "$D/chrome.err"
    }
    # console messages (errors, warnings, CSP violations, failed loads) are logged as CONSOLE lines
    printf '<!DOCTYPE html><p>x</p><script>throw new Error("probe")</script>' > "$D/probe.html"
    chrome "file://$D/probe.html" --dump-dom
    grep -q 'CONSOLE.*Uncaught Error: probe' "$D/chrome.err" && t_ok "$G/chromium: the console check sees a probe page's error" \
        || t_fail "$G/chromium: the console check sees a probe page's error" "$(grep -v dbus "$D/chrome.err" | tail -5)"
    chrome "file://$D/campaign.html" --dump-dom
    grep -q '</html>' "$D/chrome.out" && t_ok "$G/chromium: the page renders (DOM dumped)" \
        || t_fail "$G/chromium: the page renders" "$(tail -5 "$D/chrome.err")"
    cons=$(grep 'CONSOLE' "$D/chrome.err" || true)
    [ -z "$cons" ] && t_ok "$G/chromium: no console message (no error, no blocked load)" \
        || t_fail "$G/chromium: no console message" "$cons"
    cp "$D/chrome.out" "$D/rendered.html"
    diffs=$(cd "$D" && python3 check.py rendered.html campaign.json campaign.ovl.csv crm.csv 2>&1)
    [ -z "$diffs" ] && t_ok "$G/chromium: the rendered DOM holds every segment and count as run's" \
        || t_fail "$G/chromium: the rendered DOM holds every segment and count" "$diffs"
    # pixels of a colour in a PNG (8-bit RGB/RGBA, not interlaced), python's zlib
    cat > "$D/pixels.py" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat, w = 8, b'', 0
while pos < len(data):
    n, typ = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if typ == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
    if typ == b'IDAT': idat += body
    pos += 12 + n
bpp = {2: 3, 6: 4}[ctype]
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
want = [tuple(int(c[i:i + 2], 16) for i in (0, 2, 4)) for c in sys.argv[2:]]
counts = [0] * len(want)
for y in range(h):
    f = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    px = {}
    for x in range(0, stride, bpp):
        t = tuple(line[x:x + 3])
        if t in want: counts[want.index(t)] += 1
    prev = line
print(w, h, *counts)
PY
    for shot in "desktop 1280,2600" "phone 390,3800"; do
        set -- $shot
        png=$SHOTS/campaign-$1.png
        rm -f "$png"
        chrome "file://$D/campaign.html" --screenshot="$png" --window-size="$2" --hide-scrollbars
        # the segments' blue bars (#0072B2), the tiers' green (#009E73), the heat map's yellow end (#fde725)
        read -r pw ph blue green yellow <<<"$(python3 "$D/pixels.py" "$png" 0072b2 009e73 fde725 2>&1)"
        [ "${pw:-0}" -eq "${2%,*}" ] && [ "${blue:-0}" -gt 500 ] && [ "${green:-0}" -gt 100 ] && [ "${yellow:-0}" -gt 500 ] \
            && t_ok "$G/chromium: a $1 screenshot ($2) shows the bars and the heat map: $png" \
            || t_fail "$G/chromium: a $1 screenshot ($2) shows the bars and the heat map" \
                      "$png: ${pw:-?}x${ph:-?}, blue $blue, green $green, yellow $yellow" "$(grep -v dbus "$D/chrome.err" | tail -3)"
        echo "# $G: screenshot $png"
    done
fi

t_summary $G
