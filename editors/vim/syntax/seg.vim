" Vim syntax file
" Language:    seg (segment rules, *.seg)
" Maintainer:  the seg project
" Keywords follow grammar/lexer.l; functions follow compiler/sema.c.
" Checked by tests/editors.sh.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Keywords are case-insensitive in the language.
syntax case ignore
" Names may hold any Unicode letter (`kunder_på_väg_bort`): letters past
" ASCII are word characters, so `\<or\>` never matches inside such a name.
syntax iskeyword @,48-57,_,192-255

" Statements and operators spelled as words.
syn keyword segStatement  segment let measure require priority split table
syn keyword segKeyword    by
syn keyword segKeyword    and or not in is missing contains starts ends with matches
syn keyword segKeyword    between within more less than ago before after since where else
syn keyword segConstant   today yesterday
syn keyword segBoolean    true false

" Duration units.  Matches rather than keywords, so that the function
" patterns below can claim `year(` and `month(`.
syn match   segUnit       "\<\(day\|days\|week\|weeks\|month\|months\|year\|years\)\>"

" Built-in functions, highlighted when called: name followed by `(`.
syn match   segFunction   "\<\(days_since\|year\|month\|lower\|upper\|length\|abs\|coalesce\)\ze\s*("
" Rankings: quintile(x), decile(x), percentile(x), rfm(r, f, m); `in top 10%`.
syn match   segFunction   "\<\(quintile\|decile\|percentile\|rfm\)\ze\s*("
syn match   segKeyword    "\<\(top\|bottom\)\ze\s\+\d"
" Aggregates of a measure (`measure revenue = sum(total_spend)`).
syn match   segFunction   "\<\(count\|sum\|avg\|min\|max\|median\|percentile\|rate\|count_distinct\)\ze\s*("
" Aggregates of an event table (`count(orders where ...)`, `last(orders.order_date)`).
syn match   segFunction   "\<\(any\|all\|first\|last\)\ze\s*("
" `table orders by customer_id [= id] time order_date`: `time` after the key.
syn match   segKeyword    "\<time\>\ze\s\+\S"

" Numbers: 42, 10_000, 3.5, 1_000.25; dates: 2026-11-23 (defined later, so
" a date wins over the number at the same position).
syn match   segNumber     "\<\d\%([0-9_]*\d\)\=\%(\.\d\%([0-9_]*\d\)\=\)\=\>"
syn match   segDate       "\<\d\{4}-\d\{2}-\d\{2}\>"
syn match   segDate       "\<\d\{1,2}\.\d\{1,2}\.\d\{4}\>"

" Operators and punctuation.
syn match   segOperator   "==\|!=\|<>\|<=\|>=\|\.\.\|[<>=+*/%-]"
syn match   segDelimiter  "[()\[\],]"

" Strings: "..." and '...', one line; \" \' \\ are escapes.
syn match   segEscape     contained +\\["'\\]+
syn region  segString     start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ oneline contains=segEscape
syn region  segString     start=+'+ skip=+\\\\\|\\'+ end=+'+ end=+$+ oneline contains=segEscape

" Backtick names: `Annual Income (k$)`; a doubled `` is a literal backtick.
syn region  segQuotedName start=+`+ skip=+``+ end=+`+ end=+$+ oneline

" Comments run from # to the end of the line.
syn keyword segTodo       contained TODO FIXME XXX
syn match   segComment    "#.*$" contains=segTodo,@Spell

hi def link segStatement  Statement
hi def link segKeyword    Keyword
hi def link segConstant   Constant
hi def link segBoolean    Boolean
hi def link segUnit       Type
hi def link segFunction   Function
hi def link segNumber     Number
hi def link segDate       Constant
hi def link segOperator   Operator
hi def link segDelimiter  Delimiter
hi def link segEscape     SpecialChar
hi def link segString     String
hi def link segQuotedName Identifier
hi def link segTodo       Todo
hi def link segComment    Comment

let b:current_syntax = "seg"

let &cpo = s:cpo_save
unlet s:cpo_save
